import type { EventContract } from '@seams/core'
import Type from 'typebox'

const Line = Type.Object({ productId: Type.String({ format: 'uuid' }), quantity: Type.Integer({ minimum: 1 }) })
const PricedLine = Type.Object({
  productId: Type.String({ format: 'uuid' }),
  quantity: Type.Integer({ minimum: 1 }),
  unitPriceCents: Type.Integer({ minimum: 0 }),
})

/** A customer placed an order; the checkout saga has started. */
export const OrderPlacedV1 = {
  source: 'orders',
  type: 'orders.OrderPlaced',
  version: 1,
  schema: Type.Object({
    orderId: Type.String({ format: 'uuid' }),
    customerId: Type.String({ format: 'uuid' }),
    items: Type.Array(Line),
  }),
} as const satisfies EventContract

/** Stock is reserved and payment authorized: the order stands. */
export const OrderConfirmedV1 = {
  source: 'orders',
  type: 'orders.OrderConfirmed',
  version: 1,
  schema: Type.Object({
    orderId: Type.String({ format: 'uuid' }),
    customerId: Type.String({ format: 'uuid' }),
    items: Type.Array(PricedLine),
    totalCents: Type.Integer({ minimum: 0 }),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    paymentId: Type.String({ format: 'uuid' }),
  }),
} as const satisfies EventContract

/** The order could not be placed (no stock, payment declined, a step that never answered); nothing is held. */
export const OrderRejectedV1 = {
  source: 'orders',
  type: 'orders.OrderRejected',
  version: 1,
  schema: Type.Object({
    orderId: Type.String({ format: 'uuid' }),
    customerId: Type.String({ format: 'uuid' }),
    reason: Type.String(),
  }),
} as const satisfies EventContract

/**
 * The order was cancelled. `settlement` says who gives back stock and money: `orchestrated` when the
 * orders service's saga does it, `choreographed` when catalog and payments react to this event themselves.
 */
export const OrderCancelledV1 = {
  source: 'orders',
  type: 'orders.OrderCancelled',
  version: 1,
  schema: Type.Object({
    orderId: Type.String({ format: 'uuid' }),
    customerId: Type.String({ format: 'uuid' }),
    reason: Type.String(),
    paymentId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
    settlement: Type.Union([Type.Literal('orchestrated'), Type.Literal('choreographed')]),
  }),
} as const satisfies EventContract

export const ordersEvents = [OrderPlacedV1, OrderConfirmedV1, OrderRejectedV1, OrderCancelledV1] as const
