import Type, { type Static } from 'typebox'

export const ProductId = Type.String({ format: 'uuid', maxLength: 36, description: 'Product id' })

export const Currency = Type.String({ pattern: '^[A-Z]{3}$', maxLength: 3, description: 'ISO 4217 code, e.g. EUR' })

export const Product = Type.Object({
  id: ProductId,
  sku: Type.String({ maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' }),
  name: Type.String({ maxLength: 200, pattern: '\\S' }),
  description: Type.String({ maxLength: 4000 }),
  priceCents: Type.Integer({
    format: 'int64',
    minimum: 0,
    maximum: 100_000_000,
    description: "Price in the currency's minor unit",
  }),
  currency: Currency,
  stockOnHand: Type.Integer({
    format: 'int64',
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    description: 'Units available to reserve',
  }),
  version: Type.Integer({ format: 'int64', minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
  updatedAt: Type.String({ format: 'date-time', maxLength: 40 }),
})
export type Product = Static<typeof Product>

export const AddProductRequest = Type.Object(
  {
    sku: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.String({ maxLength: 4000, default: '' }),
    priceCents: Type.Integer({ format: 'int64', minimum: 0, maximum: 100_000_000 }),
    currency: Currency,
    stockOnHand: Type.Integer({ format: 'int64', minimum: 0, maximum: 10_000_000, default: 0 }),
  },
  { additionalProperties: false },
)
export type AddProductRequest = Static<typeof AddProductRequest>

export const ChangeProductRequest = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    description: Type.Optional(Type.String({ maxLength: 4000 })),
    priceCents: Type.Optional(Type.Integer({ format: 'int64', minimum: 0, maximum: 100_000_000 })),
    currency: Type.Optional(Currency),
  },
  { additionalProperties: false, minProperties: 1 },
)
export type ChangeProductRequest = Static<typeof ChangeProductRequest>

export const AdjustStockRequest = Type.Object(
  {
    delta: Type.Integer({
      format: 'int64',
      minimum: -10_000_000,
      maximum: 10_000_000,
      not: { const: 0 },
      description: 'Units received (positive) or written off (negative)',
    }),
    reason: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
)
export type AdjustStockRequest = Static<typeof AdjustStockRequest>

export const ListProductsQuery = Type.Object(
  {
    limit: Type.Integer({ format: 'int32', minimum: 1, maximum: 100, default: 20 }),
    after: Type.Optional(Type.String({ maxLength: 200, description: "Cursor from the previous page's nextCursor" })),
  },
  { additionalProperties: false },
)
export type ListProductsQuery = Static<typeof ListProductsQuery>

export const ProductPage = Type.Object({
  items: Type.Array(Product, { maxItems: 100 }),
  nextCursor: Type.Union([Type.String({ maxLength: 200 }), Type.Null()]),
})
export type ProductPage = Static<typeof ProductPage>

export const ReservationItem = Type.Object(
  {
    productId: ProductId,
    quantity: Type.Integer({ format: 'int32', minimum: 1, maximum: 10_000 }),
  },
  { additionalProperties: false },
)
export type ReservationItem = Static<typeof ReservationItem>

export const ReserveStockRequest = Type.Object(
  {
    reservationId: Type.String({
      format: 'uuid',
      maxLength: 36,
      description: 'Chosen by the caller; repeating a request with the same id is safe',
    }),
    items: Type.Array(ReservationItem, { minItems: 1, maxItems: 100 }),
  },
  { additionalProperties: false },
)
export type ReserveStockRequest = Static<typeof ReserveStockRequest>

export const Reservation = Type.Object({
  reservationId: Type.String({ format: 'uuid', maxLength: 36 }),
  status: Type.Union([Type.Literal('reserved'), Type.Literal('released'), Type.Literal('rejected')], {
    description: 'rejected: refused when made (out of stock or an unknown product), so it never held stock',
  }),
  items: Type.Array(
    Type.Object({
      productId: ProductId,
      quantity: Type.Integer({ format: 'int32', minimum: 1, maximum: 10_000 }),
      unitPriceCents: Type.Integer({
        format: 'int64',
        minimum: 0,
        maximum: 100_000_000,
        description: 'Price when reserved',
      }),
      currency: Currency,
    }),
    { maxItems: 100 },
  ),
})
export type Reservation = Static<typeof Reservation>

export const IdParams = Type.Object(
  { id: Type.String({ format: 'uuid', maxLength: 36 }) },
  { additionalProperties: false },
)
