import type { ErrorCodeContract } from '@seams/core'

/**
 * The problem+json `code`s the orders service's HTTP API answers with, besides the toolkit's own
 * (validation, tokens: docs/errors.md). A client may branch on these; they never change meaning.
 */
export const ordersErrorCodes = {
  ORDERS_ORDER_NOT_FOUND: {
    status: 404,
    title: 'Not Found',
    meaning: 'No order has this id, or the acting user may not see it.',
  },
  ORDERS_IDEMPOTENCY_MISMATCH: {
    status: 422,
    title: 'Unprocessable Content',
    meaning: 'This `Idempotency-Key` was already used with another request; a retry must repeat the same one.',
  },
  ORDERS_CUSTOMER_DEACTIVATED: {
    status: 403,
    title: 'Forbidden',
    meaning: 'The customer account is deactivated and cannot order.',
  },
  ORDERS_NOT_CANCELLABLE: {
    status: 409,
    title: 'Conflict',
    meaning: 'The order is in a state that cannot be cancelled (e.g. rejected); `detail` says why.',
  },
  ORDERS_INVALID_CURSOR: { status: 400, title: 'Bad Request', meaning: '`after` is not a cursor this service issued.' },
} as const satisfies Record<string, ErrorCodeContract>

export type OrdersErrorCode = keyof typeof ordersErrorCodes
