import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { DatabaseOwner, ShopDatabases } from './shop-databases.ts'
import type { LoadRecord } from './shop-load.ts'

/**
 * What a run did to the orders and events, counted from the owners' own databases once the shop has settled
 * (the counting method is written next to the table in the report, see COUNTING_METHOD).
 */
export interface DeliveryCounts {
  /** Distinct Idempotency-Keys sent. */
  attempted: number
  /** Distinct keys answered 202. */
  acknowledged: number
  /** Final states of the acknowledged orders, from orders' database. */
  confirmed: number
  rejected: number
  cancelled: number
  lost: {
    /** Acknowledged orders that orders does not have, or that never reached a final state. */
    orders: string[]
    /** Stamped events of a producer that a consumer of their type never applied and never dead-lettered. */
    events: string[]
    /** Outbox rows never stamped (so never published). */
    unrelayed: string[]
    /** Events a consumer applied that its producer does not have: published from a transaction that was lost. */
    phantom: string[]
  }
  duplicated: {
    /** Orders whose reservation holds more than they ordered. */
    reservations: string[]
    /** Orders with more than one payment, or more money held than their total. */
    charges: string[]
    /** The same change (type, subject, aggregate version) under two event ids, both applied by one consumer. */
    eventsAppliedTwice: string[]
  }
}

export const COUNTING_METHOD = [
  '- **attempted**: distinct Idempotency-Keys the load sent; **acknowledged**: distinct keys answered 202.',
  "- **confirmed / rejected / cancelled**: final status, in orders' own database, of the acknowledged orders.",
  "- **lost orders**: acknowledged orders missing from orders' database or not in a final status after settling.",
  '- **lost events**: for each consumer (a cursor row) and each declared type it applied at least once, the ' +
    "producer's stamped outbox events of that type with no row in the consumer's inbox and no dead letter; plus " +
    'outbox rows never stamped; plus **phantoms**: ' +
    "inbox rows naming an event id the producer's outbox does not hold (published from a transaction that was lost).",
  '- **duplicated effects**: orders whose catalog reservation holds more than was ordered (double reservation); ' +
    'orders with more than one payment or more money held than their total (double charge); pairs of event ids ' +
    'carrying the same change (type, subject, aggregate version) that one consumer both applied (event applied twice).',
  "- **stale reads**: a customer's own order answering 404 at orders right after its 202; an order-history " +
    'entry that went back (disappeared once seen, or a status earlier in the lifecycle) for a reader polling it.',
  '- **violations**: the invariant checks of `e2e/support/invariants.ts` (stock conserved, money held only by ' +
    'confirmed orders, history agrees, idempotency, no dead letters), after settling.',
  '- **convergence**: from the end of the last fault until the shop is quiet (no saga open, every outbox row ' +
    'relayed, every consumer at its head, unchanged for a second); the load may still be running meanwhile.',
].join('\n')

const finalStatuses = new Set(['CONFIRMED', 'REJECTED', 'CANCELLED'])

// What each consumer reads, by the `seams.consumes` of its package.json: `<source>.<Type>`.
const consumingServices = ['orders', 'catalog', 'payments', 'order-history'] as const satisfies DatabaseOwner[]
function consumesOf(service: string): string[] {
  const file = fileURLToPath(new URL(`../../services/${service}/package.json`, import.meta.url))
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as { seams?: { consumes?: string[] } }
  return manifest.seams?.consumes ?? []
}

export async function countDeliveries(dbs: ShopDatabases, load: LoadRecord, keysSent: number): Promise<DeliveryCounts> {
  const db = dbs.db
  const acknowledged = new Set([...load.answers.values()].map((ids) => ids[0]!))
  const orders = await db.orders<{ id: string; status: string; total: number | null }[]>`
    select id, status, total_cents::float8 as total from orders`
  const byId = new Map(orders.map((order) => [order.id, order]))
  const counts: DeliveryCounts = {
    attempted: keysSent,
    acknowledged: acknowledged.size,
    confirmed: 0,
    rejected: 0,
    cancelled: 0,
    lost: { orders: [], events: [], unrelayed: [], phantom: [] },
    duplicated: { reservations: [], charges: [], eventsAppliedTwice: [] },
  }
  for (const id of acknowledged) {
    const order = byId.get(id)
    if (order === undefined || !finalStatuses.has(order.status)) {
      counts.lost.orders.push(`${id} ${order?.status ?? 'missing'}`)
      continue
    }
    if (order.status === 'CONFIRMED') counts.confirmed += 1
    if (order.status === 'REJECTED') counts.rejected += 1
    if (order.status === 'CANCELLED') counts.cancelled += 1
  }

  const ordered = await db.orders<{ orderId: string; productId: string; quantity: number }[]>`
    select order_id as "orderId", product_id as "productId", sum(quantity)::int as quantity
    from order_items group by 1, 2`
  const orderedBy = new Map(ordered.map((line) => [`${line.orderId} ${line.productId}`, line.quantity]))
  const reserved = await db.catalog<{ orderId: string; productId: string; quantity: number }[]>`
    select r.id as "orderId", i.product_id as "productId", sum(i.quantity)::int as quantity
    from stock_reservations r join stock_reservation_items i on i.reservation_id = r.id
    where r.status = 'reserved' group by 1, 2`
  for (const line of reserved)
    if (line.quantity > (orderedBy.get(`${line.orderId} ${line.productId}`) ?? 0))
      counts.duplicated.reservations.push(
        `${line.orderId}: ${line.quantity} of ${line.productId} reserved, ` +
          `${orderedBy.get(`${line.orderId} ${line.productId}`) ?? 0} ordered`,
      )
  const payments = await db.payments<{ orderId: string; n: number; held: number }[]>`
    select order_id as "orderId", count(*)::int as n,
      coalesce(sum(amount_cents) filter (where status in ('authorized', 'captured')), 0)::float8 as held
    from payments group by 1`
  for (const payment of payments) {
    const total = byId.get(payment.orderId)?.total ?? 0
    if (payment.n > 1 || payment.held > total)
      counts.duplicated.charges.push(`${payment.orderId}: ${payment.n} payments, ${payment.held} held of ${total}`)
  }

  // Every producer's outbox once, then each consumer's inbox against the events it should have applied.
  const outboxes = new Map<string, { eventId: string; type: string; change: string; stamped: boolean }[]>()
  for (const owner of await dbs.having('seams_outbox')) {
    const rows = await db[owner]<{ eventId: string; type: string; change: string; stamped: boolean }[]>`
      select event_id::text as "eventId", type,
        type || ' ' || subject || ' v' || coalesce(envelope->>'aggregateversion', '?') as change,
        position is not null as stamped
      from seams_outbox`
    outboxes.set(owner, [...rows])
    for (const row of rows) if (!row.stamped) counts.lost.unrelayed.push(`${owner} ${row.type} ${row.eventId}`)
  }
  for (const service of consumingServices) {
    const consumes = new Set(consumesOf(service))
    const cursors = await db[service]<{ consumer: string; source: string }[]>`
      select consumer, source from seams_consumer_cursors order by consumer`
    for (const { consumer, source } of cursors) {
      const ids = async (table: 'seams_inbox' | 'seams_dead_letters') =>
        new Set(
          (
            await db[service]<{ eventId: string }[]>`
              select event_id::text as "eventId" from ${db[service](table)} where consumer = ${consumer}`
          ).map((row) => row.eventId),
        )
      const inbox = await ids('seams_inbox')
      const dead = await ids('seams_dead_letters')
      const produced = outboxes.get(source) ?? []
      // A consumer's types are not recorded anywhere it can be asked: they are the declared ones it applied at
      // least once in the run (the set-up and the load produce every type a consumer of the shop reads).
      const types = new Set(
        produced
          .filter((row) => inbox.has(row.eventId) || dead.has(row.eventId))
          .map((row) => row.type)
          .filter((type) => consumes.has(type)),
      )
      const wanted = produced.filter((row) => row.stamped && types.has(row.type))
      for (const row of wanted)
        if (!inbox.has(row.eventId) && !dead.has(row.eventId))
          counts.lost.events.push(`${consumer} never applied ${row.type} ${row.eventId}`)
      const known = new Set(produced.map((row) => row.eventId))
      for (const eventId of inbox) if (!known.has(eventId)) counts.lost.phantom.push(`${consumer} applied ${eventId}`)
      const idsByChange = new Map<string, string[]>()
      for (const row of wanted)
        if (inbox.has(row.eventId)) idsByChange.set(row.change, [...(idsByChange.get(row.change) ?? []), row.eventId])
      for (const [change, same] of idsByChange)
        if (same.length > 1)
          counts.duplicated.eventsAppliedTwice.push(`${consumer} applied ${change} as ${same.join(', ')}`)
    }
  }
  return counts
}
