import type { OrderStatus, PaymentStatus } from '@shop/order-history-contracts'

// An entry has two parts owned by two producers: the order part (orders) and the payment part
// (payments). Each part keeps the aggregate version it was last written at, because the two are
// different aggregates whose versions cannot be compared with each other. These functions decide
// how one event changes an entry; they do no I/O so that every ordering can be tested in isolation.

export interface HistoryItem {
  productId: string
  quantity: number
  unitPriceCents: number | null
}

/** One row of the order_history read model. */
export interface HistoryRow {
  orderId: string
  customerId: string
  /** Null while only the payment part is known. */
  status: OrderStatus | null
  reason: string | null
  items: HistoryItem[]
  totalCents: number | null
  currency: string | null
  paymentId: string | null
  paymentStatus: PaymentStatus | null
  /** Producer time of the first orders event applied: the OrderPlaced one unless it was delayed. */
  placedAt: Date | null
  /** Producer time of the newest event applied, so a rebuild reproduces the same rows. */
  updatedAt: Date
  /** 0 while no orders event has been applied. */
  orderVersion: number
  /** 0 while no payments event has been applied. */
  paymentVersion: number
}

/** What one orders event says. Fields it does not carry are left as they are. */
export interface OrderFact {
  orderId: string
  customerId: string
  version: number
  at: Date
  status: OrderStatus
  reason: string | null
  items?: HistoryItem[]
  totalCents?: number
  currency?: string
  paymentId?: string
}

/** What one payments event says: the payment's whole public state after the change. */
export interface PaymentFact {
  orderId: string
  customerId: string
  paymentId: string
  version: number
  at: Date
  status: PaymentStatus
}

function emptyRow(orderId: string, customerId: string, at: Date): HistoryRow {
  return {
    orderId,
    customerId,
    status: null,
    reason: null,
    items: [],
    totalCents: null,
    currency: null,
    paymentId: null,
    paymentStatus: null,
    placedAt: null,
    updatedAt: at,
    orderVersion: 0,
    paymentVersion: 0,
  }
}

const later = (a: Date, b: Date) => (a.getTime() >= b.getTime() ? a : b)

/**
 * The entry after an orders event, or undefined when the event is not newer than the order part
 * (a redelivery or a late event) and so changes nothing.
 */
export function mergeOrderFact(row: HistoryRow | undefined, fact: OrderFact): HistoryRow | undefined {
  if (row !== undefined && fact.version <= row.orderVersion) return undefined
  const base = row ?? emptyRow(fact.orderId, fact.customerId, fact.at)
  return {
    ...base,
    customerId: fact.customerId,
    status: fact.status,
    reason: fact.reason,
    items: fact.items ?? base.items,
    totalCents: fact.totalCents ?? base.totalCents,
    currency: fact.currency ?? base.currency,
    // The payments service owns its ids; the order's mention only fills a gap it has not filled yet.
    paymentId: base.paymentId ?? fact.paymentId ?? null,
    placedAt: base.placedAt ?? fact.at,
    updatedAt: later(base.updatedAt, fact.at),
    orderVersion: fact.version,
  }
}

/**
 * The entry after a payments event, or undefined when it is not newer than the payment part. A payment
 * may be announced before its order: the entry is then created with what the payment knows, and the
 * order part is filled in when the orders event arrives.
 */
export function mergePaymentFact(row: HistoryRow | undefined, fact: PaymentFact): HistoryRow | undefined {
  if (row !== undefined && fact.version <= row.paymentVersion) return undefined
  const base = row ?? emptyRow(fact.orderId, fact.customerId, fact.at)
  return {
    ...base,
    paymentId: fact.paymentId,
    paymentStatus: fact.status,
    updatedAt: later(base.updatedAt, fact.at),
    paymentVersion: fact.version,
  }
}
