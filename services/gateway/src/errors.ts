import { defineError, type SeamsErrorClass } from '@seams/core'

export const ServiceUnavailable = defineError(
  'ServiceUnavailable',
  'GATEWAY_SERVICE_UNAVAILABLE',
  'unavailable',
  'The service is unavailable',
)
export const PathNotCanonical = defineError(
  'PathNotCanonical',
  'GATEWAY_PATH_NOT_CANONICAL',
  'validation',
  'The request path has dot segments or encoded separators',
)

export const OrderNotFound = defineError('OrderNotFound', 'GATEWAY_ORDER_NOT_FOUND', 'not_found', 'No such order')

export const gatewayErrors: readonly SeamsErrorClass[] = [ServiceUnavailable, PathNotCanonical, OrderNotFound]

/** Code of the 429 answer; not a SeamsError because no error category maps to 429. */
export const RATE_LIMITED_CODE = 'GATEWAY_RATE_LIMITED'
