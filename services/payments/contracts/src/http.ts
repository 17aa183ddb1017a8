import Type, { type Static } from 'typebox'

export const PaymentId = Type.String({ format: 'uuid', maxLength: 36, description: 'Payment id, chosen by the caller' })

export const Currency = Type.String({ pattern: '^[A-Z]{3}$', maxLength: 3, description: 'ISO 4217 code, e.g. EUR' })

export const AmountCents = Type.Integer({
  format: 'int64',
  minimum: 1,
  maximum: 100_000_000_000,
  description: "Amount in the currency's minor unit",
})

export const PaymentStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('authorized'),
  Type.Literal('captured'),
  Type.Literal('voided'),
  Type.Literal('refunded'),
  Type.Literal('failed'),
])
export type PaymentStatus = Static<typeof PaymentStatus>

export const Payment = Type.Object({
  id: PaymentId,
  orderId: Type.String({ format: 'uuid', maxLength: 36 }),
  customerId: Type.String({ format: 'uuid', maxLength: 36 }),
  amountCents: AmountCents,
  currency: Currency,
  status: PaymentStatus,
  failureReason: Type.Union([Type.String({ maxLength: 500 }), Type.Null()], {
    description: 'Why the provider declined; null unless failed',
  }),
  version: Type.Integer({ format: 'int64', minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
  createdAt: Type.String({ format: 'date-time', maxLength: 40 }),
  updatedAt: Type.String({ format: 'date-time', maxLength: 40 }),
})
export type Payment = Static<typeof Payment>

export const AuthorizePaymentRequest = Type.Object(
  {
    paymentId: Type.String({
      format: 'uuid',
      maxLength: 36,
      description: 'Chosen by the caller; repeating a request with the same id is safe',
    }),
    orderId: Type.String({
      format: 'uuid',
      maxLength: 36,
      description: 'The order paid for; an order has at most one payment',
    }),
    customerId: Type.String({ format: 'uuid', maxLength: 36 }),
    amountCents: AmountCents,
    currency: Currency,
  },
  { additionalProperties: false },
)
export type AuthorizePaymentRequest = Static<typeof AuthorizePaymentRequest>

export const IdParams = Type.Object(
  { id: Type.String({ format: 'uuid', maxLength: 36 }) },
  { additionalProperties: false },
)

export const FindPaymentQuery = Type.Object(
  { orderId: Type.String({ format: 'uuid', maxLength: 36, description: 'The order whose payment to find' }) },
  { additionalProperties: false },
)
export type FindPaymentQuery = Static<typeof FindPaymentQuery>

const Rate = (description: string) => Type.Number({ minimum: 0, maximum: 1, description })

export const SimulatorSettings = Type.Object(
  {
    latencyMs: Type.Integer({
      format: 'int32',
      minimum: 0,
      maximum: 10_000,
      description: 'Mean time the provider takes to answer',
    }),
    jitterMs: Type.Integer({
      format: 'int32',
      minimum: 0,
      maximum: 10_000,
      description: 'Latency varies uniformly by up to this much either way',
    }),
    declineRate: Rate('Share of payments the provider declines'),
    errorRate: Rate('Share of calls that fail transiently (the service answers 503)'),
    hangRate: Rate('Share of calls that never answer (the service gives up after its provider timeout)'),
  },
  { additionalProperties: false },
)
export type SimulatorSettings = Static<typeof SimulatorSettings>
