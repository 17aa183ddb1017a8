import { defineError, type SeamsErrorClass } from '@seams/core'

// The message is all a client learns: nothing that tells a forger which check the token failed.
export const InvalidAccessToken = defineError('InvalidAccessToken', 'GATEWAY_INVALID_ACCESS_TOKEN', 'unauthenticated', 'Invalid or expired token')
export const IdentityProviderUnavailable = defineError(
  'IdentityProviderUnavailable',
  'GATEWAY_IDENTITY_PROVIDER_UNAVAILABLE',
  'unavailable',
  'Access tokens cannot be verified right now',
)
export const ServiceUnavailable = defineError('ServiceUnavailable', 'GATEWAY_SERVICE_UNAVAILABLE', 'unavailable', 'The service is unavailable')
export const PathNotCanonical = defineError('PathNotCanonical', 'GATEWAY_PATH_NOT_CANONICAL', 'validation', 'The request path has dot segments or encoded separators')

export const OrderNotFound = defineError('OrderNotFound', 'GATEWAY_ORDER_NOT_FOUND', 'not_found', 'No such order')

export const gatewayErrors: readonly SeamsErrorClass[] = [InvalidAccessToken, IdentityProviderUnavailable, ServiceUnavailable, PathNotCanonical, OrderNotFound]

/** Code of the 429 answer; not a SeamsError because no error category maps to 429. */
export const RATE_LIMITED_CODE = 'GATEWAY_RATE_LIMITED'
