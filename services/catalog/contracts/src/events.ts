import type { EventContract } from '@seams/core'
import Type from 'typebox'

// Events carry the aggregate's full public state, so a consumer's replica is an upsert of the latest one.

const ProductState = {
  productId: Type.String({ format: 'uuid' }),
  sku: Type.String(),
  name: Type.String(),
  description: Type.String(),
  priceCents: Type.Integer({ minimum: 0 }),
  currency: Type.String({ pattern: '^[A-Z]{3}$' }),
}

/** A product was added to the catalog. */
export const ProductAddedV1 = {
  source: 'catalog',
  type: 'catalog.ProductAdded',
  version: 1,
  schema: Type.Object({ ...ProductState, stockOnHand: Type.Integer({ minimum: 0 }) }),
} as const satisfies EventContract

/** A product's name, description or price changed; carries the product's state after the change. */
export const ProductChangedV1 = {
  source: 'catalog',
  type: 'catalog.ProductChanged',
  version: 1,
  schema: Type.Object(ProductState),
} as const satisfies EventContract

/** Units available to reserve changed, by a reservation, a release or an adjustment. */
export const StockChangedV1 = {
  source: 'catalog',
  type: 'catalog.StockChanged',
  version: 1,
  schema: Type.Object({
    productId: Type.String({ format: 'uuid' }),
    stockOnHand: Type.Integer({ minimum: 0 }),
    delta: Type.Integer(),
    reason: Type.Union([Type.Literal('reserved'), Type.Literal('released'), Type.Literal('adjusted')]),
    reservationId: Type.Optional(Type.String({ format: 'uuid' })),
  }),
} as const satisfies EventContract

export const catalogEvents = [ProductAddedV1, ProductChangedV1, StockChangedV1] as const
