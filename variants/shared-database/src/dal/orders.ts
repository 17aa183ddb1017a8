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
  version: number
  createdAt: Date
  updatedAt: Date
  items: { productId: string; productName: string | null; quantity: number; unitPriceCents: number | null }[]
}

// The order with its lines and each line's product name, joined from catalog's table in the same statement:
// what the owned topology keeps a replica of the catalog for.
const orderColumns = (sql: Queryable) => sql`
  o.id, o.customer_id as "customerId", o.status, o.currency, o.total_cents as "totalCents",
  o.payment_id as "paymentId", o.reason, o.version, o.created_at as "createdAt", o.updated_at as "updatedAt",
  coalesce((
    select json_agg(json_build_object('productId', i.product_id, 'productName', p.name, 'quantity', i.quantity,
                                      'unitPriceCents', i.unit_price_cents) order by i.line)
    from order_items i join products p on p.id = i.product_id where i.order_id = o.id), '[]') as items`

export async function findOrder(
  sql: Queryable,
  id: string,
  options: { lock?: boolean } = {},
): Promise<StoredOrder | undefined> {
  const [order] = await sql<StoredOrder[]>`
    select ${orderColumns(sql)} from orders o where o.id = ${id}
    ${options.lock === true ? sql`for update of o` : sql``}`
  return order
}

/** A customer's orders, newest first (ids are time-ordered), after the given id. */
export async function listOrders(
  sql: Queryable,
  customerId: string,
  limit: number,
  afterId: string | undefined,
): Promise<StoredOrder[]> {
  return sql<StoredOrder[]>`
    select ${orderColumns(sql)} from orders o
    where o.customer_id = ${customerId} ${afterId === undefined ? sql`` : sql`and o.id < ${afterId}`}
    order by o.id desc limit ${limit}`
}

export function toOrder(order: StoredOrder): Order {
  return {
    id: order.id,
    customerId: order.customerId,
    status: order.status,
    items: order.items,
    totalCents: order.totalCents === null ? null : Number(order.totalCents),
    currency: order.currency,
    paymentId: order.status === 'PENDING' || order.status === 'REJECTED' ? null : order.paymentId,
    reason: order.reason,
    version: order.version,
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  }
}

/** Claims a customer's Idempotency-Key for a new order, or finds the request that claimed it first. */
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

/** The customer's account status, read straight from users' table and held until the checkout commits. */
export async function lockCustomerStatus(tx: TransactionSql, customerId: string): Promise<string | undefined> {
  const [row] = await tx<{ status: string }[]>`select status from users where id = ${customerId} for share`
  return row?.status
}

export interface NewOrder {
  id: string
  customerId: string
  paymentId: string
  status: OrderStatus
  reason: string | null
  currency: string | null
  totalCents: number | null
  items: readonly { productId: string; quantity: number; unitPriceCents: number | null }[]
}

export async function insertOrder(tx: TransactionSql, order: NewOrder): Promise<void> {
  await tx`
    insert into orders (id, customer_id, status, currency, total_cents, payment_id, reason)
    values (${order.id}, ${order.customerId}, ${order.status}, ${order.currency}, ${order.totalCents},
            ${order.paymentId}, ${order.reason})`
  await tx`
    insert into order_items (order_id, line, product_id, quantity, unit_price_cents)
    select ${order.id}, ordinality, product_id, quantity, unit_price_cents
    from unnest(${order.items.map((item) => item.productId)}::uuid[],
                ${order.items.map((item) => item.quantity)}::int[],
                ${order.items.map((item) => item.unitPriceCents)}::bigint[])
      with ordinality as line(product_id, quantity, unit_price_cents)`
}

export async function setOrderStatus(
  tx: TransactionSql,
  id: string,
  change: { status: OrderStatus; reason: string | null },
): Promise<void> {
  await tx`
    update orders set status = ${change.status}, reason = coalesce(${change.reason}, reason),
      version = version + 1, updated_at = now()
    where id = ${id}`
}

export async function insertPayment(
  tx: TransactionSql,
  payment: {
    id: string
    orderId: string
    customerId: string
    amountCents: number
    currency: string
    status: 'authorized' | 'failed'
    failureReason: string | null
  },
): Promise<void> {
  await tx`
    insert into payments (id, order_id, customer_id, amount_cents, currency, status, failure_reason)
    values (${payment.id}, ${payment.orderId}, ${payment.customerId}, ${payment.amountCents}, ${payment.currency},
            ${payment.status}, ${payment.failureReason})`
}

/** A payment given back on a cancellation: an authorization is voided, a capture refunded. */
export async function releasePayment(tx: TransactionSql, orderId: string): Promise<void> {
  await tx`
    update payments set status = case status when 'captured' then 'refunded' else 'voided' end,
      version = version + 1, updated_at = now()
    where order_id = ${orderId} and status in ('authorized', 'captured')`
}

/** Puts an order's units back on the shelf (a cancellation). */
export async function restock(tx: TransactionSql, orderId: string): Promise<void> {
  // In id order, as the checkout takes them, so that the two cannot deadlock.
  await tx`
    select p.id from products p where p.id in (select product_id from order_items where order_id = ${orderId})
    order by p.id for update`
  await tx`
    update products p set stock_on_hand = p.stock_on_hand + i.quantity, version = p.version + 1, updated_at = now()
    from (select product_id, sum(quantity)::int as quantity from order_items where order_id = ${orderId}
          group by product_id) i
    where p.id = i.product_id`
}

/**
 * Cancels a customer's confirmed orders in the caller's transaction (a deactivation): users' process
 * writes orders', catalog's and payments' rows itself, which only a shared schema lets it do.
 */
export async function cancelOpenOrdersOf(tx: TransactionSql, customerId: string, reason: string): Promise<number> {
  const open = await tx<{ id: string }[]>`
    select id from orders where customer_id = ${customerId} and status in ('PENDING', 'CONFIRMED')
    order by id for update`
  for (const { id } of open) {
    await restock(tx, id)
    await releasePayment(tx, id)
    await setOrderStatus(tx, id, { status: 'CANCELLED', reason })
  }
  return open.length
}
