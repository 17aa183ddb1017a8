import { defineError, type SeamsErrorClass } from '@seams/core'

export const PaymentNotFound = defineError(
  'PaymentNotFound',
  'PAYMENTS_PAYMENT_NOT_FOUND',
  'not_found',
  'No such payment',
)
export const IllegalTransition = defineError(
  'IllegalTransition',
  'PAYMENTS_ILLEGAL_TRANSITION',
  'illegal_state',
  'The payment is not in a state that allows this',
)
export const IdempotencyMismatch = defineError(
  'IdempotencyMismatch',
  'PAYMENTS_IDEMPOTENCY_MISMATCH',
  'unprocessable',
  'This payment id was used with other terms',
)
export const OrderAlreadyPaid = defineError(
  'OrderAlreadyPaid',
  'PAYMENTS_ORDER_ALREADY_PAID',
  'conflict',
  'The order already has a payment',
)
export const ProviderUnavailable = defineError(
  'ProviderUnavailable',
  'PAYMENTS_PROVIDER_UNAVAILABLE',
  'unavailable',
  'The payment provider failed; retry with the same payment id',
)
export const ProviderTimeout = defineError(
  'ProviderTimeout',
  'PAYMENTS_PROVIDER_TIMEOUT',
  'unavailable',
  'The payment provider did not answer in time; retry with the same payment id',
)

export const paymentsErrors: readonly SeamsErrorClass[] = [
  PaymentNotFound,
  IllegalTransition,
  IdempotencyMismatch,
  OrderAlreadyPaid,
  ProviderUnavailable,
  ProviderTimeout,
]
