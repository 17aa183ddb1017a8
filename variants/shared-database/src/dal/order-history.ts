import type { Sql } from '@seams/service-kit'
import type { OrderHistoryEntry } from '@shop/order-history-contracts'

interface HistoryRow extends Omit<OrderHistoryEntry, 'placedAt' | 'updatedAt' | 'totalCents'> {
  totalCents: string | number | null
  placedAt: Date
  updatedAt: Date
}

// Order history as one query over everyone's tables: orders, their lines, the products' current names, the
// customer's name and the payment. What the owned topology builds a CQRS read model from four feeds for.
const historySelect = (sql: Sql) => sql`
  select o.id as "orderId", o.customer_id as "customerId", u.name as "customerName", o.status, o.reason,
    coalesce((
      select json_agg(json_build_object('productId', i.product_id, 'productName', p.name, 'quantity', i.quantity,
                                        'unitPriceCents', i.unit_price_cents) order by i.line)
      from order_items i join products p on p.id = i.product_id where i.order_id = o.id), '[]') as items,
    o.total_cents as "totalCents", o.currency,
    case when pay.id is null then null else pay.id end as "paymentId",
    pay.status as "paymentStatus", o.created_at as "placedAt",
    greatest(o.updated_at, pay.updated_at, u.updated_at) as "updatedAt"
  from orders o
  join users u on u.id = o.customer_id
  left join payments pay on pay.order_id = o.id`

function toEntry(row: HistoryRow): OrderHistoryEntry {
  return {
    ...row,
    // The order's own contract shows no payment status while it is pending (nothing was asked yet).
    paymentStatus: row.paymentStatus === null ? null : (row.paymentStatus as OrderHistoryEntry['paymentStatus']),
    totalCents: row.totalCents === null ? null : Number(row.totalCents),
    placedAt: row.placedAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}

export async function findHistoryEntry(sql: Sql, orderId: string): Promise<OrderHistoryEntry | undefined> {
  const [row] = await sql<HistoryRow[]>`${historySelect(sql)} where o.id = ${orderId}`
  return row === undefined ? undefined : toEntry(row)
}

/** A customer's orders, newest first (time-ordered ids), after the given id. */
export async function listHistory(
  sql: Sql,
  customerId: string,
  limit: number,
  afterId: string | undefined,
): Promise<OrderHistoryEntry[]> {
  const rows = await sql<HistoryRow[]>`
    ${historySelect(sql)} where o.customer_id = ${customerId}
    ${afterId === undefined ? sql`` : sql`and o.id < ${afterId}`}
    order by o.id desc limit ${limit}`
  return rows.map(toEntry)
}
