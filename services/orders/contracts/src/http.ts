import Type, { type Static } from 'typebox'

export const OrderStatus = Type.Union([
  Type.Literal('PENDING'),
  Type.Literal('CONFIRMED'),
  Type.Literal('REJECTED'),
  Type.Literal('CANCELLED'),
])
export type OrderStatus = Static<typeof OrderStatus>

export const PlaceOrderRequest = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          productId: Type.String({ format: 'uuid' }),
          quantity: Type.Integer({ minimum: 1, maximum: 100 }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 50 },
    ),
  },
  { additionalProperties: false },
)
export type PlaceOrderRequest = Static<typeof PlaceOrderRequest>

export const IdempotencyKeyHeaders = Type.Object({
  'idempotency-key': Type.String({
    minLength: 8,
    maxLength: 128,
    pattern: '^[\\w.:-]+$',
    description: 'Chosen by the client; repeating the request with the same key is safe',
  }),
})

export const OrderAccepted = Type.Object({
  orderId: Type.String({ format: 'uuid' }),
  status: Type.Literal('PENDING'),
})
export type OrderAccepted = Static<typeof OrderAccepted>

export const OrderLine = Type.Object({
  productId: Type.String({ format: 'uuid' }),
  /** From the orders service's replica of the catalog: may lag behind a rename. */
  productName: Type.Union([Type.String(), Type.Null()]),
  quantity: Type.Integer(),
  /** Captured when the stock was reserved; null until then. */
  unitPriceCents: Type.Union([Type.Integer(), Type.Null()]),
})

export const Order = Type.Object({
  id: Type.String({ format: 'uuid' }),
  customerId: Type.String({ format: 'uuid' }),
  status: OrderStatus,
  items: Type.Array(OrderLine),
  totalCents: Type.Union([Type.Integer(), Type.Null()]),
  currency: Type.Union([Type.String(), Type.Null()]),
  paymentId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  /** Why the order was rejected or cancelled. */
  reason: Type.Union([Type.String(), Type.Null()]),
  version: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
})
export type Order = Static<typeof Order>

export const ListOrdersQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    after: Type.Optional(Type.String({ maxLength: 200 })),
    customerId: Type.Optional(Type.String({ format: 'uuid', description: 'Admins only: whose orders' })),
  },
  { additionalProperties: false },
)
export type ListOrdersQuery = Static<typeof ListOrdersQuery>

export const OrderPage = Type.Object({ items: Type.Array(Order), nextCursor: Type.Union([Type.String(), Type.Null()]) })
export type OrderPage = Static<typeof OrderPage>

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false })
