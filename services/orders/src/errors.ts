import { defineError, type SeamsErrorClass } from '@seams/core'

export const OrderNotFound = defineError('OrderNotFound', 'ORDERS_ORDER_NOT_FOUND', 'not_found', 'No such order')
export const IdempotencyMismatch = defineError(
  'IdempotencyMismatch',
  'ORDERS_IDEMPOTENCY_MISMATCH',
  'unprocessable',
  'This Idempotency-Key was used with another request',
)
export const CustomerDeactivated = defineError(
  'CustomerDeactivated',
  'ORDERS_CUSTOMER_DEACTIVATED',
  'forbidden',
  'The customer account is deactivated',
)
export const NotCancellable = defineError(
  'NotCancellable',
  'ORDERS_NOT_CANCELLABLE',
  'conflict',
  'The order cannot be cancelled',
)
export const InvalidCursor = defineError(
  'InvalidCursor',
  'ORDERS_INVALID_CURSOR',
  'validation',
  'querystring.after is not a cursor this service issued',
)
/** A broken invariant: an order about to be announced lacks what its state guarantees (prices, a reason). */
export const OrderIncomplete = defineError(
  'OrderIncomplete',
  'ORDERS_ORDER_INCOMPLETE',
  'internal',
  'The order lacks data its state guarantees',
)

/** What the HTTP API answers with: OrderIncomplete is thrown in the checkout saga, never to a client. */
export const ordersErrors: readonly SeamsErrorClass[] = [
  OrderNotFound,
  IdempotencyMismatch,
  CustomerDeactivated,
  NotCancellable,
  InvalidCursor,
]
