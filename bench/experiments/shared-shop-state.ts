import type postgres from 'postgres'
import { findHistoryEntry } from '../../variants/shared-database/src/dal/index.ts'
import type { Line, ShopState } from '../../e2e/support/shop-state.ts'

/**
 * The shared topology's data in the shape the invariant checker reads (`e2e/support/invariants.ts`), read
 * straight from the one database. Its schema has no reservations table: what is held for an order is its
 * lines while it is CONFIRMED (the checkout took them off the shelf in the same transaction), so each order
 * stands for its own reservation, reserved while confirmed and released otherwise. No saga, no consumer, no
 * read model: none can be open, dead-lettered or behind.
 */
export async function readSharedShopState(sql: postgres.Sql): Promise<ShopState> {
  const [products, orders, orderRequests, payments, deactivated] = await Promise.all([
    sql<ShopState['products']>`select id, stock_on_hand as "stockOnHand" from products`,
    sql<(Omit<ShopState['orders'][number], 'items'> & { items: Line[] | null })[]>`
      select o.id, o.customer_id as "customerId", o.status, o.total_cents::float8 as "totalCents",
        o.payment_id as "paymentId", false as "cancelPending",
        json_agg(json_build_object('productId', i.product_id, 'quantity', i.quantity))
          filter (where i.product_id is not null) as items
      from orders o left join order_items i on i.order_id = o.id group by o.id`,
    sql<ShopState['orderRequests']>`
      select customer_id as "customerId", idempotency_key as key, order_id as "orderId" from order_requests`,
    sql<{ id: string; orderId: string; status: string; amountCents: number }[]>`
      select id, order_id as "orderId", status, amount_cents::float8 as "amountCents" from payments`,
    sql<{ id: string }[]>`select id from users where status = 'deactivated'`,
  ])
  const paymentsByOrder = new Map<string, { id: string; status: string; amountCents: number }[]>()
  for (const { orderId, ...payment } of payments)
    paymentsByOrder.set(orderId, [...(paymentsByOrder.get(orderId) ?? []), payment])
  const withItems = orders.map((row) => ({ ...row, items: row.items ?? [] }))
  return {
    products: [...products],
    reservations: new Map(
      withItems.map((order) => [
        order.id,
        { status: order.status === 'CONFIRMED' ? 'reserved' : 'released', items: order.items },
      ]),
    ),
    orders: withItems,
    orderRequests: [...orderRequests],
    openSagas: 0,
    payments: paymentsByOrder,
    // Through order history's own query, as a client would read it.
    history: new Map(
      (
        await Promise.all(
          withItems.map(async (order) => {
            const entry = await findHistoryEntry(sql, order.id)
            return entry === undefined
              ? undefined
              : ([order.id, { status: entry.status, paymentStatus: entry.paymentStatus }] as const)
          }),
        )
      ).filter((entry) => entry !== undefined),
    ),
    deactivatedUsers: new Set(deactivated.map((row) => row.id)),
    deadLetters: [],
  }
}
