import { createEnvelope, type EnvelopeFactoryDeps, type EventEnvelope } from '@seams/core'
import { OrderCancelledV1, OrderConfirmedV1, OrderPlacedV1, OrderRejectedV1 } from '@shop/orders-contracts'
import type { StoredOrder } from './order-store.ts'

const line = (item: StoredOrder['items'][number]) => ({ productId: item.productId, quantity: item.quantity })

export const orderPlaced = (deps: EnvelopeFactoryDeps, order: StoredOrder, traceparent?: string): EventEnvelope =>
  createEnvelope(deps, OrderPlacedV1, {
    subject: order.id,
    aggregateVersion: order.version,
    data: { orderId: order.id, customerId: order.customerId, items: order.items.map(line) },
    traceparent,
  })

export const orderConfirmed = (deps: EnvelopeFactoryDeps, order: StoredOrder): EventEnvelope =>
  createEnvelope(deps, OrderConfirmedV1, {
    subject: order.id,
    aggregateVersion: order.version,
    data: {
      orderId: order.id,
      customerId: order.customerId,
      items: order.items.map((item) => ({ ...line(item), unitPriceCents: item.unitPriceCents ?? 0 })),
      totalCents: order.totalCents ?? 0,
      currency: order.currency ?? 'EUR',
      paymentId: order.paymentId,
    },
  })

export const orderRejected = (deps: EnvelopeFactoryDeps, order: StoredOrder): EventEnvelope =>
  createEnvelope(deps, OrderRejectedV1, {
    subject: order.id,
    aggregateVersion: order.version,
    data: { orderId: order.id, customerId: order.customerId, reason: order.reason ?? 'unknown' },
  })

export const orderCancelled = (
  deps: EnvelopeFactoryDeps,
  order: StoredOrder,
  settlement: 'orchestrated' | 'choreographed',
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
  })
