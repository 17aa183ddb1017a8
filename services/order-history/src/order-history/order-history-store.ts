import type { Sql, TransactionSql } from '@seams/service-kit'
import type { OrderHistoryEntry } from '@shop/order-history-contracts'
import { historyTables } from '../replicas/history-replica-store.ts'
import type { CursorKey } from './history-cursor.ts'
import type { HistoryRow } from './history-entry.ts'

// The projections write into `table`: the live table or, during a rebuild, its shadow (see @seams/projector).

export async function createOrderHistoryTable(sql: Sql | TransactionSql, table: string): Promise<void> {
  await sql`
    create table ${sql(table)} (
      order_id uuid primary key, customer_id uuid not null, status text, reason text, items jsonb not null,
      total_cents bigint, currency text, payment_id uuid, payment_status text,
      placed_at timestamptz, updated_at timestamptz not null, order_version int not null, payment_version int not null)`
  // A customer's listing, newest first; entries whose order is not announced yet are never listed.
  await sql`create index on ${sql(table)} (customer_id, placed_at desc, order_id desc) where order_version > 0`
}

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
export async function applyToEntry(
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

type EntryRow = Omit<OrderHistoryEntry, 'placedAt' | 'updatedAt'> & { placedAt: Date; updatedAt: Date }

// Names are joined when read, not copied into entries: a rename or a profile change shows in every
// past order at once, and a name whose event has not arrived yet is simply null. An entry whose order
// has not been announced (only its payment has) is not shown: it has no status yet.
const selectEntries = (sql: Sql) => sql`
  select h.order_id as "orderId", h.customer_id as "customerId", c.name as "customerName", h.status, h.reason,
    coalesce((
      select jsonb_agg(jsonb_build_object(
        'productId', line.item->'productId', 'productName', p.name,
        'quantity', line.item->'quantity', 'unitPriceCents', line.item->'unitPriceCents') order by line.n)
      from jsonb_array_elements(h.items) with ordinality as line(item, n)
      left join ${sql(historyTables.products)} p on p.id = (line.item->>'productId')::uuid
    ), '[]'::jsonb) as items,
    h.total_cents as "totalCents", h.currency, h.payment_id as "paymentId", h.payment_status as "paymentStatus",
    h.placed_at as "placedAt", h.updated_at as "updatedAt"
  from ${sql(historyTables.orders)} h left join ${sql(historyTables.customers)} c on c.id = h.customer_id
  where h.order_version > 0`

const toEntry = (row: EntryRow): OrderHistoryEntry => ({
  ...row,
  placedAt: row.placedAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
})

export async function findEntry(sql: Sql, orderId: string): Promise<OrderHistoryEntry | undefined> {
  const [row] = await sql<EntryRow[]>`${selectEntries(sql)} and h.order_id = ${orderId}`
  return row === undefined ? undefined : toEntry(row)
}

/** A customer's entries, newest first, strictly after `after` in that order. */
export async function listEntries(
  sql: Sql,
  customerId: string,
  limit: number,
  after: CursorKey | undefined,
): Promise<OrderHistoryEntry[]> {
  const rows = await sql<EntryRow[]>`
    ${selectEntries(sql)} and h.customer_id = ${customerId}
    ${
      after === undefined
        ? sql``
        : sql`and (h.placed_at, h.order_id) < (${after.placedAt}::timestamptz, ${after.orderId}::uuid)`
    }
    order by h.placed_at desc, h.order_id desc limit ${limit}`
  return rows.map(toEntry)
}
