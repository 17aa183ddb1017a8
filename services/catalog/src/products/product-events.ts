import {
  createEnvelope,
  formatTraceparent,
  type EnvelopeFactoryDeps,
  type EventEnvelope,
  type TraceContext,
} from '@seams/core'
import { ProductAddedV1, ProductChangedV1, StockChangedV1, type Product } from '@shop/catalog-contracts'

function productState(product: Product) {
  const { id, sku, name, description, priceCents, currency } = product
  return { productId: id, sku, name, description, priceCents, currency }
}

export function productAdded(deps: EnvelopeFactoryDeps, product: Product, trace: TraceContext): EventEnvelope {
  return createEnvelope(deps, ProductAddedV1, {
    subject: product.id,
    aggregateVersion: product.version,
    data: { ...productState(product), stockOnHand: product.stockOnHand },
    traceparent: formatTraceparent(trace),
  })
}

export function productChanged(deps: EnvelopeFactoryDeps, product: Product, trace: TraceContext): EventEnvelope {
  return createEnvelope(deps, ProductChangedV1, {
    subject: product.id,
    aggregateVersion: product.version,
    data: productState(product),
    traceparent: formatTraceparent(trace),
  })
}

export function stockChanged(
  deps: EnvelopeFactoryDeps,
  product: Product,
  change: { delta: number; reason: 'reserved' | 'released' | 'adjusted'; reservationId?: string },
  trace: TraceContext,
): EventEnvelope {
  return createEnvelope(deps, StockChangedV1, {
    subject: product.id,
    aggregateVersion: product.version,
    data: { productId: product.id, stockOnHand: product.stockOnHand, ...change },
    traceparent: formatTraceparent(trace),
  })
}
