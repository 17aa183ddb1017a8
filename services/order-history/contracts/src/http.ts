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
  productId: Type.String({ format: 'uuid' }),
  /** The product's current name (a rename shows at once); null while the catalog's event has not arrived. */
  productName: Type.Union([Type.String(), Type.Null()]),
  quantity: Type.Integer(),
  /** The price the stock was reserved at; null until the order is confirmed. */
  unitPriceCents: Type.Union([Type.Integer(), Type.Null()]),
})
export type OrderHistoryLine = Static<typeof OrderHistoryLine>

/** One order as the query side knows it: eventually consistent with orders, payments, users and catalog. */
export const OrderHistoryEntry = Type.Object({
  orderId: Type.String({ format: 'uuid' }),
  customerId: Type.String({ format: 'uuid' }),
  customerName: Type.Union([Type.String(), Type.Null()]),
  status: OrderStatus,
  /** Why the order was rejected or cancelled. */
  reason: Type.Union([Type.String(), Type.Null()]),
  items: Type.Array(OrderHistoryLine),
  totalCents: Type.Union([Type.Integer(), Type.Null()]),
  currency: Type.Union([Type.String(), Type.Null()]),
  paymentId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  paymentStatus: Type.Union([PaymentStatus, Type.Null()]),
  placedAt: Type.String({ format: 'date-time' }),
  /** When the newest event applied to this entry happened at its producer. */
  updatedAt: Type.String({ format: 'date-time' }),
})
export type OrderHistoryEntry = Static<typeof OrderHistoryEntry>

export const ListOrderHistoryQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    after: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
    customerId: Type.Optional(Type.String({ format: 'uuid', description: 'Admins only: whose orders' })),
  },
  { additionalProperties: false },
)
export type ListOrderHistoryQuery = Static<typeof ListOrderHistoryQuery>

export const OrderHistoryPage = Type.Object({
  items: Type.Array(OrderHistoryEntry),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
})
export type OrderHistoryPage = Static<typeof OrderHistoryPage>

export const OrderHistoryParams = Type.Object(
  { orderId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
)
