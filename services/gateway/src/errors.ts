import { defineError, type ErrorCodeContract, type SeamsErrorClass } from '@seams/core'

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
export const GatewayOverloaded = defineError(
  'GatewayOverloaded',
  'GATEWAY_OVERLOADED',
  'unavailable',
  'The shop is answering as many requests as it can',
)

export const gatewayErrors: readonly SeamsErrorClass[] = [
  ServiceUnavailable,
  PathNotCanonical,
  OrderNotFound,
  GatewayOverloaded,
]

/** Code of the 429 answer; not a SeamsError because no error category maps to 429. */
export const RATE_LIMITED_CODE = 'GATEWAY_RATE_LIMITED'

/**
 * The problem+json `code`s the gateway itself answers with (the services' own pass through unchanged);
 * the gateway has no contracts package, so its public API description and docs/errors.md take them from here.
 */
export const gatewayErrorCodes = {
  GATEWAY_SERVICE_UNAVAILABLE: {
    status: 503,
    title: 'Service Unavailable',
    meaning: 'The service that owns the resource (`service`) did not answer in time or is shielded; retry shortly.',
  },
  GATEWAY_PATH_NOT_CANONICAL: {
    status: 400,
    title: 'Bad Request',
    meaning: 'The path has dot segments or encoded separators, which the gateway does not forward.',
  },
  GATEWAY_ORDER_NOT_FOUND: {
    status: 404,
    title: 'Not Found',
    meaning: 'No order has this id, or the acting user may not see it (order details).',
  },
  GATEWAY_OVERLOADED: {
    status: 503,
    title: 'Service Unavailable',
    meaning:
      'As many requests as the admission limit are in the shop already: refused before any work; retry after ' +
      '`Retry-After` seconds.',
  },
  GATEWAY_RATE_LIMITED: {
    status: 429,
    title: 'Too Many Requests',
    meaning: 'The client (user, or address when anonymous) sent too many requests; retry after `Retry-After` seconds.',
  },
} as const satisfies Record<string, ErrorCodeContract>
