import type { Sql, TransactionSql } from '@seams/service-kit'
import type { Order, OrderStatus } from '@shop/orders-contracts'

type Queryable = Sql | TransactionSql

interface OrderRow {
  id: string
  customerId: string
  status: OrderStatus
  currency: string | null
  totalCents: number | null
  paymentId: string
  reason: string | null
  cancelRequestedAt: Date | null
  version: number
  createdAt: Date
  updatedAt: Date
}

export interface StoredOrder extends OrderRow {
  items: { productId: string; quantity: number; unitPriceCents: number | null }[]
}

const columns = (sql: Queryable) => sql`
  id, customer_id as "customerId", status, currency, total_cents as "totalCents", payment_id as "paymentId", reason,
  cancel_requested_at as "cancelRequestedAt", version, created_at as "createdAt", updated_at as "updatedAt"`

async function withItems(sql: Queryable, rows: readonly OrderRow[]): Promise<StoredOrder[]> {
  if (rows.length === 0) return []
  const items = await sql<{ orderId: string; productId: string; quantity: number; unitPriceCents: number | null }[]>`
    select order_id as "orderId", product_id as "productId", quantity, unit_price_cents as "unitPriceCents"
    from order_items where order_id = any(${rows.map((row) => row.id)}::uuid[]) order by order_id, line`
  return rows.map((row) => ({ ...row, items: items.filter((item) => item.orderId === row.id).map(({ orderId: _orderId, ...item }) => item) }))
}

export async function findOrder(sql: Queryable, id: string, options: { lock?: boolean } = {}): Promise<StoredOrder | undefined> {
  const rows = await sql<OrderRow[]>`select ${columns(sql)} from orders where id = ${id} ${options.lock === true ? sql`for update` : sql``}`
  return (await withItems(sql, rows))[0]
}

/** A customer's orders, newest first (ids are time-ordered), after the given id. */
export async function listOrders(sql: Queryable, customerId: string, limit: number, afterId: string | undefined): Promise<StoredOrder[]> {
  const rows = await sql<OrderRow[]>`
    select ${columns(sql)} from orders
    where customer_id = ${customerId} ${afterId === undefined ? sql`` : sql`and id < ${afterId}`}
    order by id desc limit ${limit}`
  return withItems(sql, rows)
}

export async function insertOrder(tx: TransactionSql, order: { id: string; customerId: string; paymentId: string; items: readonly { productId: string; quantity: number }[] }): Promise<StoredOrder> {
  const [row] = await tx<OrderRow[]>`
    insert into orders (id, customer_id, status, payment_id) values (${order.id}, ${order.customerId}, 'PENDING', ${order.paymentId})
    returning ${columns(tx)}`
  await tx`
    insert into order_items (order_id, line, product_id, quantity)
    select ${order.id}, ordinality, product_id, quantity
    from unnest(${order.items.map((item) => item.productId)}::uuid[], ${order.items.map((item) => item.quantity)}::int[]) with ordinality as line(product_id, quantity)`
  return (await withItems(tx, [row!]))[0]!
}

export interface StatusChange {
  status: OrderStatus
  reason?: string
  currency?: string
  totalCents?: number
  cancelRequested?: boolean
}

export async function changeOrder(tx: TransactionSql, id: string, change: StatusChange): Promise<StoredOrder> {
  const [row] = await tx<OrderRow[]>`
    update orders set status = ${change.status}, reason = coalesce(${change.reason ?? null}, reason),
      currency = coalesce(${change.currency ?? null}, currency), total_cents = coalesce(${change.totalCents ?? null}::bigint, total_cents),
      cancel_requested_at = case when ${change.cancelRequested ?? false} then coalesce(cancel_requested_at, now()) else cancel_requested_at end,
      version = version + 1, updated_at = now()
    where id = ${id} returning ${columns(tx)}`
  return (await withItems(tx, [row!]))[0]!
}

/** Records the prices the catalog reserved the stock at. */
export async function capturePrices(tx: TransactionSql, orderId: string, prices: ReadonlyMap<string, number>): Promise<void> {
  const productIds = [...prices.keys()]
  await tx`
    update order_items i set unit_price_cents = p.price
    from unnest(${productIds}::uuid[], ${productIds.map((id) => prices.get(id)!)}::bigint[]) as p(product_id, price)
    where i.order_id = ${orderId} and i.product_id = p.product_id`
}

export function toOrder(order: StoredOrder, productNames: ReadonlyMap<string, string>): Order {
  return {
    id: order.id,
    customerId: order.customerId,
    status: order.status,
    items: order.items.map((item) => ({ ...item, productName: productNames.get(item.productId) ?? null })),
    totalCents: order.totalCents,
    currency: order.currency,
    paymentId: order.status === 'PENDING' || order.status === 'REJECTED' ? null : order.paymentId,
    reason: order.reason,
    version: order.version,
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  }
}
