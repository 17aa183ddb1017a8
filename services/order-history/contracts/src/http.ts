import Type, { type Static } from 'typebox'

// Statuses as the producers announce them: the order's from the orders service, the payment's from
// payments. Declared here rather than imported, so that this contract depends on no other service's.

export const OrderStatus = Type.Union([
  Type.Literal('PENDING'),
  Type.Literal('CONFIRMED'),
  Type.Literal('REJECTED'),
  Type.Literal('CANCELLED'),
])
export type OrderStatus = Static<typeof OrderStatus>

/** A payment is only known here once the provider answered: payments announce no pending state. */
export const PaymentStatus = Type.Union([
  Type.Literal('authorized'),
  Type.Literal('captured'),
  Type.Literal('voided'),
  Type.Literal('refunded'),
  Type.Literal('failed'),
])
export type PaymentStatus = Static<typeof PaymentStatus>

export const OrderHistoryLine = Type.Object({
  productId: Type.String({ format: 'uuid', maxLength: 36 }),
  /** The product's current name (a rename shows at once); null while the catalog's event has not arrived. */
  productName: Type.Union([Type.String({ maxLength: 200 }), Type.Null()]),
  quantity: Type.Integer({ format: 'int32', minimum: 1, maximum: 100 }),
  /** The price the stock was reserved at; null until the order is confirmed. */
  unitPriceCents: Type.Union([Type.Integer({ format: 'int64', minimum: 0, maximum: 100_000_000 }), Type.Null()]),
})
export type OrderHistoryLine = Static<typeof OrderHistoryLine>

/** One order as the query side knows it: eventually consistent with orders, payments, users and catalog. */
export const OrderHistoryEntry = Type.Object({
  orderId: Type.String({ format: 'uuid', maxLength: 36 }),
  customerId: Type.String({ format: 'uuid', maxLength: 36 }),
  customerName: Type.Union([Type.String({ maxLength: 200 }), Type.Null()]),
  status: OrderStatus,
  /** Why the order was rejected or cancelled. */
  reason: Type.Union([Type.String({ maxLength: 500 }), Type.Null()]),
  items: Type.Array(OrderHistoryLine, { maxItems: 50 }),
  totalCents: Type.Union([
    Type.Integer({ format: 'int64', minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
    Type.Null(),
  ]),
  currency: Type.Union([Type.String({ pattern: '^[A-Z]{3}$', maxLength: 3 }), Type.Null()]),
  paymentId: Type.Union([Type.String({ format: 'uuid', maxLength: 36 }), Type.Null()]),
  paymentStatus: Type.Union([PaymentStatus, Type.Null()]),
  placedAt: Type.String({ format: 'date-time', maxLength: 40 }),
  /** When the newest event applied to this entry happened at its producer. */
  updatedAt: Type.String({ format: 'date-time', maxLength: 40 }),
})
export type OrderHistoryEntry = Static<typeof OrderHistoryEntry>

export const ListOrderHistoryQuery = Type.Object(
  {
    limit: Type.Integer({ format: 'int32', minimum: 1, maximum: 100, default: 20 }),
    after: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
    customerId: Type.Optional(Type.String({ format: 'uuid', maxLength: 36, description: 'Admins only: whose orders' })),
  },
  { additionalProperties: false },
)
export type ListOrderHistoryQuery = Static<typeof ListOrderHistoryQuery>

export const OrderHistoryPage = Type.Object({
  items: Type.Array(OrderHistoryEntry, { maxItems: 100 }),
  nextCursor: Type.Union([Type.String({ maxLength: 200 }), Type.Null()]),
})
export type OrderHistoryPage = Static<typeof OrderHistoryPage>

export const OrderHistoryParams = Type.Object(
  { orderId: Type.String({ format: 'uuid', maxLength: 36 }) },
  { additionalProperties: false },
)
