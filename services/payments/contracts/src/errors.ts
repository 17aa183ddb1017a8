import type { ErrorCodeContract } from '@seams/core'

/**
 * The problem+json `code`s the payments service's HTTP API answers with, besides the toolkit's own
 * (validation, tokens: docs/errors.md). A client may branch on these; they never change meaning.
 */
export const paymentsErrorCodes = {
  PAYMENTS_PAYMENT_NOT_FOUND: {
    status: 404,
    title: 'Not Found',
    meaning: 'No payment has this id (or belongs to this order), or the caller may not see it.',
  },
  PAYMENTS_ILLEGAL_TRANSITION: {
    status: 409,
    title: 'Conflict',
    meaning: 'The payment is not in a state that allows this, e.g. refunding an authorization never captured.',
  },
  PAYMENTS_IDEMPOTENCY_MISMATCH: {
    status: 422,
    title: 'Unprocessable Content',
    meaning: 'This payment id was already used with other terms; a retry must repeat the same request.',
  },
  PAYMENTS_ORDER_ALREADY_PAID: {
    status: 409,
    title: 'Conflict',
    meaning: 'The order already has a payment under another id; an order has at most one.',
  },
  PAYMENTS_PROVIDER_UNAVAILABLE: {
    status: 503,
    title: 'Service Unavailable',
    meaning: 'The payment provider failed; retry with the same payment id.',
  },
  PAYMENTS_PROVIDER_TIMEOUT: {
    status: 503,
    title: 'Service Unavailable',
    meaning: 'The payment provider did not answer in time; retry with the same payment id.',
  },
} as const satisfies Record<string, ErrorCodeContract>

export type PaymentsErrorCode = keyof typeof paymentsErrorCodes
