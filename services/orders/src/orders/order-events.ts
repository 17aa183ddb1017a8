import {
  createEnvelope,
  formatTraceparent,
  type EnvelopeFactoryDeps,
  type EventEnvelope,
  type TraceContext,
} from '@seams/core'
import { OrderCancelledV1, OrderConfirmedV1, OrderPlacedV1, OrderRejectedV1 } from '@shop/orders-contracts'
import { OrderIncomplete } from '../errors.ts'
import type { StoredOrder } from './order-store.ts'

const line = (item: StoredOrder['items'][number]) => ({ productId: item.productId, quantity: item.quantity })

export const orderPlaced = (deps: EnvelopeFactoryDeps, order: StoredOrder, traceparent?: string): EventEnvelope =>
  createEnvelope(deps, OrderPlacedV1, {
    subject: order.id,
    aggregateVersion: order.version,
    data: { orderId: order.id, customerId: order.customerId, items: order.items.map(line) },
    traceparent,
  })

/** A confirmed order is priced in full: anything less is a bug upstream, never an order sent out for free. */
function priced(order: StoredOrder) {
  const { totalCents, currency } = order
  const items = order.items.map((item) => {
    if (item.unitPriceCents === null) throw new OrderIncomplete(`Order ${order.id} has an unpriced line`)
    return { ...line(item), unitPriceCents: item.unitPriceCents }
  })
  if (totalCents === null || currency === null) throw new OrderIncomplete(`Order ${order.id} has no total`)
  return { items, totalCents, currency }
}

export const orderConfirmed = (deps: EnvelopeFactoryDeps, order: StoredOrder, trace?: TraceContext): EventEnvelope =>
  createEnvelope(deps, OrderConfirmedV1, {
    subject: order.id,
    aggregateVersion: order.version,
    data: { orderId: order.id, customerId: order.customerId, ...priced(order), paymentId: order.paymentId },
    traceparent: trace === undefined ? undefined : formatTraceparent(trace),
  })

export const orderRejected = (deps: EnvelopeFactoryDeps, order: StoredOrder, trace?: TraceContext): EventEnvelope => {
  if (order.reason === null) throw new OrderIncomplete(`Order ${order.id} was rejected without a reason`)
  return createEnvelope(deps, OrderRejectedV1, {
    subject: order.id,
    aggregateVersion: order.version,
    data: { orderId: order.id, customerId: order.customerId, reason: order.reason },
    traceparent: trace === undefined ? undefined : formatTraceparent(trace),
  })
}

export const orderCancelled = (
  deps: EnvelopeFactoryDeps,
  order: StoredOrder,
  settlement: 'orchestrated' | 'choreographed',
  trace?: TraceContext,
): EventEnvelope =>
  createEnvelope(deps, OrderCancelledV1, {
    subject: order.id,
    aggregateVersion: order.version,
    data: {
      orderId: order.id,
      customerId: order.customerId,
      reason: order.reason ?? 'cancelled',
      paymentId: order.paymentId,
      settlement,
    },
    traceparent: trace === undefined ? undefined : formatTraceparent(trace),
  })
