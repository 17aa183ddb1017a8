import type { Sql, TransactionSql } from '@seams/service-kit'
import type { Order, OrderStatus } from '@shop/orders-contracts'

type Queryable = Sql | TransactionSql

export interface StoredOrder {
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
  items: { productId: string; quantity: number; unitPriceCents: number | null }[]
}

// An order with its lines in one statement: the lines come along as JSON from a subquery.
const columns = (sql: Queryable) => sql`
  o.id, o.customer_id as "customerId", o.status, o.currency, o.total_cents as "totalCents",
  o.payment_id as "paymentId", o.reason,
  o.cancel_requested_at as "cancelRequestedAt", o.version, o.created_at as "createdAt", o.updated_at as "updatedAt",
  coalesce((
    select json_agg(
      json_build_object('productId', i.product_id, 'quantity', i.quantity, 'unitPriceCents', i.unit_price_cents)
      order by i.line)
    from order_items i where i.order_id = o.id), '[]') as items`

export async function findOrder(
  sql: Queryable,
  id: string,
  options: { lock?: boolean } = {},
): Promise<StoredOrder | undefined> {
  const [order] = await sql<
    StoredOrder[]
  >`select ${columns(sql)} from orders o where o.id = ${id} ${options.lock === true ? sql`for update of o` : sql``}`
  return order
}

/** Only the status, for checks on a hot path (a saga looking for a cancellation before each step). */
export async function orderStatus(sql: Queryable, id: string): Promise<OrderStatus | undefined> {
  const [order] = await sql<{ status: OrderStatus }[]>`select status from orders where id = ${id}`
  return order?.status
}

/** A customer's orders, newest first (ids are time-ordered), after the given id. */
export async function listOrders(
  sql: Queryable,
  customerId: string,
  limit: number,
  afterId: string | undefined,
): Promise<StoredOrder[]> {
  return sql<StoredOrder[]>`
    select ${columns(sql)} from orders o
    where o.customer_id = ${customerId} ${afterId === undefined ? sql`` : sql`and o.id < ${afterId}`}
    order by o.id desc limit ${limit}`
}

export async function insertOrder(
  tx: TransactionSql,
  order: {
    id: string
    customerId: string
    paymentId: string
    items: readonly { productId: string; quantity: number }[]
  },
): Promise<StoredOrder> {
  const [row] = await tx<Omit<StoredOrder, 'items'>[]>`
    with lines as (
      insert into order_items (order_id, line, product_id, quantity)
      select ${order.id}, ordinality, product_id, quantity
      from unnest(
        ${order.items.map((item) => item.productId)}::uuid[],
        ${order.items.map((item) => item.quantity)}::int[])
        with ordinality as line(product_id, quantity))
    insert into orders (id, customer_id, status, payment_id)
    values (${order.id}, ${order.customerId}, 'PENDING', ${order.paymentId})
    returning id, customer_id as "customerId", status, currency, total_cents as "totalCents",
      payment_id as "paymentId", reason,
      cancel_requested_at as "cancelRequestedAt", version, created_at as "createdAt", updated_at as "updatedAt"`
  return {
    ...row!,
    items: order.items.map((item) => ({ productId: item.productId, quantity: item.quantity, unitPriceCents: null })),
  }
}

export interface StatusChange {
  status: OrderStatus
  reason?: string
  currency?: string
  totalCents?: number
  cancelRequested?: boolean
}

export async function changeOrder(tx: TransactionSql, id: string, change: StatusChange): Promise<StoredOrder> {
  const [order] = await tx<StoredOrder[]>`
    update orders o set status = ${change.status}, reason = coalesce(${change.reason ?? null}, reason),
      currency = coalesce(${change.currency ?? null}, currency),
      total_cents = coalesce(${change.totalCents ?? null}::bigint, total_cents),
      cancel_requested_at = case when ${change.cancelRequested ?? false}
        then coalesce(cancel_requested_at, now()) else cancel_requested_at end,
      version = version + 1, updated_at = now()
    where o.id = ${id} returning ${columns(tx)}`
  return order!
}

/** Records the prices the catalog reserved the stock at. */
export async function capturePrices(
  tx: TransactionSql,
  orderId: string,
  prices: ReadonlyMap<string, number>,
): Promise<void> {
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

/**
 * Claims an Idempotency-Key of a customer for a new order, or finds the request that claimed it first
 * (returned; undefined when the claim is new).
 */
export async function claimOrderRequest(
  tx: TransactionSql,
  request: { customerId: string; idempotencyKey: string; requestHash: string; orderId: string },
): Promise<{ orderId: string; requestHash: string } | undefined> {
  const { customerId, idempotencyKey, requestHash, orderId } = request
  const [claimed] = await tx`
    insert into order_requests (customer_id, idempotency_key, request_hash, order_id)
    values (${customerId}, ${idempotencyKey}, ${requestHash}, ${orderId})
    on conflict do nothing returning order_id`
  if (claimed !== undefined) return undefined
  const [existing] = await tx<{ orderId: string; requestHash: string }[]>`
    select order_id as "orderId", request_hash as "requestHash" from order_requests
    where customer_id = ${customerId} and idempotency_key = ${idempotencyKey}`
  return existing
}

/** A customer's orders that a cancellation can still stop, locked in id order. */
export async function lockOpenOrders(tx: TransactionSql, customerId: string): Promise<string[]> {
  const rows = await tx<{ id: string }[]>`
    select id from orders where customer_id = ${customerId}
      and (status = 'PENDING' or (status = 'CONFIRMED' and cancel_requested_at is null))
    order by id for update`
  return rows.map((row) => row.id)
}
