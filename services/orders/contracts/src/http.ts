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
          productId: Type.String({ format: 'uuid', maxLength: 36 }),
          quantity: Type.Integer({ format: 'int32', minimum: 1, maximum: 100 }),
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
  orderId: Type.String({ format: 'uuid', maxLength: 36 }),
  status: Type.Literal('PENDING'),
})
export type OrderAccepted = Static<typeof OrderAccepted>

export const OrderLine = Type.Object({
  productId: Type.String({ format: 'uuid', maxLength: 36 }),
  /** From the orders service's replica of the catalog: may lag behind a rename. */
  productName: Type.Union([Type.String({ maxLength: 200 }), Type.Null()]),
  quantity: Type.Integer({ format: 'int32', minimum: 1, maximum: 100 }),
  /** Captured when the stock was reserved; null until then. */
  unitPriceCents: Type.Union([Type.Integer({ format: 'int64', minimum: 0, maximum: 100_000_000 }), Type.Null()]),
})

export const Order = Type.Object({
  id: Type.String({ format: 'uuid', maxLength: 36 }),
  customerId: Type.String({ format: 'uuid', maxLength: 36 }),
  status: OrderStatus,
  items: Type.Array(OrderLine, { maxItems: 50 }),
  totalCents: Type.Union([
    Type.Integer({ format: 'int64', minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
    Type.Null(),
  ]),
  currency: Type.Union([Type.String({ pattern: '^[A-Z]{3}$', maxLength: 3 }), Type.Null()]),
  paymentId: Type.Union([Type.String({ format: 'uuid', maxLength: 36 }), Type.Null()]),
  /** Why the order was rejected or cancelled. */
  reason: Type.Union([Type.String({ maxLength: 500 }), Type.Null()]),
  version: Type.Integer({ format: 'int64', minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
  createdAt: Type.String({ format: 'date-time', maxLength: 40 }),
  updatedAt: Type.String({ format: 'date-time', maxLength: 40 }),
})
export type Order = Static<typeof Order>

export const ListOrdersQuery = Type.Object(
  {
    limit: Type.Integer({ format: 'int32', minimum: 1, maximum: 100, default: 20 }),
    after: Type.Optional(Type.String({ maxLength: 200 })),
    customerId: Type.Optional(Type.String({ format: 'uuid', maxLength: 36, description: 'Admins only: whose orders' })),
  },
  { additionalProperties: false },
)
export type ListOrdersQuery = Static<typeof ListOrdersQuery>

export const OrderPage = Type.Object({
  items: Type.Array(Order, { maxItems: 100 }),
  nextCursor: Type.Union([Type.String({ maxLength: 200 }), Type.Null()]),
})
export type OrderPage = Static<typeof OrderPage>

export const IdParams = Type.Object(
  { id: Type.String({ format: 'uuid', maxLength: 36 }) },
  { additionalProperties: false },
)
