import { on } from '@seams/inbox'
import { defineProjection } from '@seams/projector'
import type { TransactionSql } from '@seams/service-kit'
import { OrderCancelledV1, OrderConfirmedV1, OrderPlacedV1, OrderRejectedV1 } from '@shop/orders-contracts'
import {
  PaymentAuthorizedV1,
  PaymentCapturedV1,
  PaymentFailedV1,
  PaymentRefundedV1,
  PaymentVoidedV1,
} from '@shop/payments-contracts'
import { mergeOrderFact, mergePaymentFact, type HistoryRow, type OrderFact, type PaymentFact } from './history-entry.ts'
import { cancelledFact, confirmedFact, paymentFact, placedFact, rejectedFact } from './history-facts.ts'

const rowColumns = (tx: TransactionSql) => tx`
  order_id as "orderId", customer_id as "customerId", status, reason, items, total_cents as "totalCents", currency,
  payment_id as "paymentId", payment_status as "paymentStatus", placed_at as "placedAt", updated_at as "updatedAt",
  order_version as "orderVersion", payment_version as "paymentVersion"`

function columnsOf(tx: TransactionSql, row: HistoryRow) {
  return {
    order_id: row.orderId,
    customer_id: row.customerId,
    status: row.status,
    reason: row.reason,
    items: tx.json(row.items as never),
    total_cents: row.totalCents,
    currency: row.currency,
    payment_id: row.paymentId,
    payment_status: row.paymentStatus,
    placed_at: row.placedAt,
    updated_at: row.updatedAt,
    order_version: row.orderVersion,
    payment_version: row.paymentVersion,
  }
}

/**
 * Reads the entry under a row lock, merges, writes. The orders and payments consumers run side by side,
 * so both may find no row for the same order: the loser's insert does nothing, and it merges into the
 * winner's row on the next turn (at most one more, since that row now exists and is locked by us).
 */
async function applyToEntry(
  tx: TransactionSql,
  table: string,
  orderId: string,
  merge: (row: HistoryRow | undefined) => HistoryRow | undefined,
): Promise<void> {
  for (;;) {
    const [current] = await tx<
      HistoryRow[]
    >`select ${rowColumns(tx)} from ${tx(table)} where order_id = ${orderId} for update`
    const next = merge(current)
    if (next === undefined) return
    const columns = columnsOf(tx, next)
    if (current !== undefined) {
      await tx`update ${tx(table)} set ${tx(columns)} where order_id = ${orderId}`
      return
    }
    const inserted = await tx`insert into ${tx(table)} ${tx(columns)} on conflict (order_id) do nothing returning 1`
    if (inserted.length > 0) return
  }
}

const applyOrder = (tx: TransactionSql, table: string, fact: OrderFact) =>
  applyToEntry(tx, table, fact.orderId, (row) => mergeOrderFact(row, fact))
const applyPayment = (tx: TransactionSql, table: string, fact: PaymentFact) =>
  applyToEntry(tx, table, fact.orderId, (row) => mergePaymentFact(row, fact))

/**
 * One row per order, fed by two producers: orders write the order part, payments the payment part,
 * each gated by its own aggregate version, in whatever order the two feeds deliver them.
 */
export const orderHistory = defineProjection({
  name: 'order_history',
  async createTable(sql, table) {
    await sql`
      create table ${sql(table)} (
        order_id uuid primary key, customer_id uuid not null, status text, reason text, items jsonb not null,
        total_cents bigint, currency text, payment_id uuid, payment_status text,
        placed_at timestamptz, updated_at timestamptz not null, order_version int not null, payment_version int not null)`
    // A customer's listing, newest first; entries whose order is not announced yet are never listed.
    await sql`create index on ${sql(table)} (customer_id, placed_at desc, order_id desc) where order_version > 0`
  },
  sources: [
    {
      source: 'orders',
      handlers: (table) => [
        on(OrderPlacedV1, (tx, event) => applyOrder(tx, table, placedFact(event))),
        on(OrderConfirmedV1, (tx, event) => applyOrder(tx, table, confirmedFact(event))),
        on(OrderRejectedV1, (tx, event) => applyOrder(tx, table, rejectedFact(event))),
        on(OrderCancelledV1, (tx, event) => applyOrder(tx, table, cancelledFact(event))),
      ],
    },
    {
      source: 'payments',
      handlers: (table) =>
        [PaymentAuthorizedV1, PaymentFailedV1, PaymentCapturedV1, PaymentVoidedV1, PaymentRefundedV1].map((contract) =>
          on(contract, (tx, event) => applyPayment(tx, table, paymentFact(event))),
        ),
    },
  ],
})
