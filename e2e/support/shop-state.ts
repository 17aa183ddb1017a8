import type { ShopDatabases } from './shop-databases.ts'

export interface Line {
  productId: string
  quantity: number
}

/** What each owner holds after the run, read straight from its own database. */
export interface ShopState {
  products: { id: string; stockOnHand: number }[]
  reservations: Map<string, { status: string; items: Line[] }>
  orders: {
    id: string
    customerId: string
    status: string
    totalCents: number | null
    paymentId: string
    cancelPending: boolean
    items: Line[]
  }[]
  orderRequests: { customerId: string; key: string; orderId: string }[]
  openSagas: number
  /** Payments by order id: a list, so that a second payment for one order would be seen. */
  payments: Map<string, { id: string; status: string; amountCents: number }[]>
  history: Map<string, { status: string | null; paymentStatus: string | null }>
  deactivatedUsers: Set<string>
  deadLetters: { owner: string; consumer: string; type: string; error: string }[]
}

const itemsOf = (rows: { items: Line[] | null }) => rows.items ?? []

export async function readShopState(dbs: ShopDatabases): Promise<ShopState> {
  const { catalog, orders, payments, users } = dbs.db
  const history = dbs.db['order-history']
  const [products, reservations, orderRows, orderRequests, sagas, paymentRows, historyRows, deactivated] =
    await Promise.all([
      catalog<ShopState['products']>`select id, stock_on_hand as "stockOnHand" from products`,
      catalog<{ id: string; status: string; items: Line[] | null }[]>`
      select r.id, r.status,
        json_agg(json_build_object('productId', i.product_id, 'quantity', i.quantity))
          filter (where i.product_id is not null) as items
      from stock_reservations r left join stock_reservation_items i on i.reservation_id = r.id
      group by r.id, r.status`,
      orders<(Omit<ShopState['orders'][number], 'items'> & { items: Line[] | null })[]>`
      select o.id, o.customer_id as "customerId", o.status, o.total_cents::float8 as "totalCents",
        o.payment_id as "paymentId",
        o.cancel_requested_at is not null as "cancelPending",
        json_agg(json_build_object('productId', i.product_id, 'quantity', i.quantity))
          filter (where i.product_id is not null) as items
      from orders o left join order_items i on i.order_id = o.id group by o.id`,
      orders<
        ShopState['orderRequests']
      >`select customer_id as "customerId", idempotency_key as key, order_id as "orderId" from order_requests`,
      orders<{ n: number }[]>`select count(*)::int as n from seams_sagas where status in ('running', 'compensating')`,
      payments<
        { id: string; orderId: string; status: string; amountCents: number }[]
      >`select id, order_id as "orderId", status, amount_cents::float8 as "amountCents" from payments`,
      history<{ orderId: string; status: string | null; paymentStatus: string | null }[]>`
      select order_id as "orderId", status, payment_status as "paymentStatus" from order_history`,
      users<{ id: string }[]>`select id from users where status = 'deactivated'`,
    ])
  const deadLetters: ShopState['deadLetters'] = []
  for (const owner of await dbs.having('seams_dead_letters')) {
    const rows = await dbs.db[owner]<
      { consumer: string; type: string; error: string }[]
    >`select consumer, type, error from seams_dead_letters where resolved_at is null`
    deadLetters.push(...rows.map((row) => ({ owner, ...row })))
  }
  const paymentsByOrder = new Map<string, { id: string; status: string; amountCents: number }[]>()
  for (const { orderId, ...payment } of paymentRows)
    paymentsByOrder.set(orderId, [...(paymentsByOrder.get(orderId) ?? []), payment])
  return {
    products: [...products],
    reservations: new Map(reservations.map((row) => [row.id, { status: row.status, items: itemsOf(row) }])),
    orders: orderRows.map((row) => ({ ...row, items: itemsOf(row) })),
    orderRequests: [...orderRequests],
    openSagas: sagas[0]!.n,
    payments: paymentsByOrder,
    history: new Map(historyRows.map(({ orderId, ...row }) => [orderId, row])),
    deactivatedUsers: new Set(deactivated.map((row) => row.id)),
    deadLetters,
  }
}

/** Quantities per product, lines for the same product added up (the catalog merges them too). */
export function quantities(lines: readonly Line[]): string {
  const merged = new Map<string, number>()
  for (const line of lines) merged.set(line.productId, (merged.get(line.productId) ?? 0) + line.quantity)
  return [...merged]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([product, quantity]) => `${product}×${quantity}`)
    .join(', ')
}
