import type { Sql } from '@seams/service-kit'
import type { OrderHistoryEntry } from '@shop/order-history-contracts'
import { historyCustomers } from '../replicas/history-customers.ts'
import { historyProducts } from '../replicas/history-products.ts'
import type { CursorKey } from './history-cursor.ts'
import { orderHistory } from './order-history-projection.ts'

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
      left join ${sql(historyProducts.name)} p on p.id = (line.item->>'productId')::uuid
    ), '[]'::jsonb) as items,
    h.total_cents as "totalCents", h.currency, h.payment_id as "paymentId", h.payment_status as "paymentStatus",
    h.placed_at as "placedAt", h.updated_at as "updatedAt"
  from ${sql(orderHistory.name)} h left join ${sql(historyCustomers.name)} c on c.id = h.customer_id
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
    ${after === undefined ? sql`` : sql`and (h.placed_at, h.order_id) < (${after.placedAt}::timestamptz, ${after.orderId}::uuid)`}
    order by h.placed_at desc, h.order_id desc limit ${limit}`
  return rows.map(toEntry)
}
