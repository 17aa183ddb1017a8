import type { EventContract } from '@seams/core'
import Type from 'typebox'

// Events carry the payment's full public state after the change, so a consumer's replica is an upsert
// of the latest one. A pending payment has no event: nobody acts on it before the provider answers.

const PaymentState = {
  paymentId: Type.String({ format: 'uuid' }),
  orderId: Type.String({ format: 'uuid' }),
  customerId: Type.String({ format: 'uuid' }),
  amountCents: Type.Integer({ minimum: 1 }),
  currency: Type.String({ pattern: '^[A-Z]{3}$' }),
}

/** The provider authorized the amount; it is held until captured or voided. */
export const PaymentAuthorizedV1 = {
  source: 'payments',
  type: 'payments.PaymentAuthorized',
  version: 1,
  schema: Type.Object({
    ...PaymentState,
    status: Type.Literal('authorized'),
    failureReason: Type.Optional(Type.String()),
  }),
} as const satisfies EventContract

/** The provider declined the payment; final, the order needs another way to be paid or is cancelled. */
export const PaymentFailedV1 = {
  source: 'payments',
  type: 'payments.PaymentFailed',
  version: 1,
  schema: Type.Object({ ...PaymentState, status: Type.Literal('failed'), failureReason: Type.String() }),
} as const satisfies EventContract

/** The authorized amount was taken. */
export const PaymentCapturedV1 = {
  source: 'payments',
  type: 'payments.PaymentCaptured',
  version: 1,
  schema: Type.Object({
    ...PaymentState,
    status: Type.Literal('captured'),
    failureReason: Type.Optional(Type.String()),
  }),
} as const satisfies EventContract

/** The authorization was released without taking the money. */
export const PaymentVoidedV1 = {
  source: 'payments',
  type: 'payments.PaymentVoided',
  version: 1,
  schema: Type.Object({ ...PaymentState, status: Type.Literal('voided'), failureReason: Type.Optional(Type.String()) }),
} as const satisfies EventContract

/** A captured payment was paid back in full. */
export const PaymentRefundedV1 = {
  source: 'payments',
  type: 'payments.PaymentRefunded',
  version: 1,
  schema: Type.Object({
    ...PaymentState,
    status: Type.Literal('refunded'),
    failureReason: Type.Optional(Type.String()),
  }),
} as const satisfies EventContract

export const paymentsEvents = [
  PaymentAuthorizedV1,
  PaymentFailedV1,
  PaymentCapturedV1,
  PaymentVoidedV1,
  PaymentRefundedV1,
] as const
