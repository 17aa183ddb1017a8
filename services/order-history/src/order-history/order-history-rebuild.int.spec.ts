import { setTimeout as sleep } from 'node:timers/promises'
import { isDeepStrictEqual } from 'node:util'
import { newId } from '@seams/core'
import { catalogEvents } from '@shop/catalog-contracts'
import type { OrderHistoryEntry, OrderHistoryPage } from '@shop/order-history-contracts'
import { ordersEvents } from '@shop/orders-contracts'
import { paymentsEvents } from '@shop/payments-contracts'
import { usersEvents } from '@shop/users-contracts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createOrderHistoryTestApp, newCustomer, waitFor, type OrderHistoryTestApp } from '../order-history-test-app.ts'
import { startProducerFeed, type ProducerFeed } from '../producer-feed.ts'
import {
  authorized,
  captured,
  confirmed,
  placed,
  productAdded,
  productChanged,
  refunded,
  registered,
} from '../test-events.ts'

// The live path end to end: four producers' real feeds, this service's consumers reading them, and a
// rebuild that replays two of them into a fresh table and swaps it in while reads go on.

describe("order history from the producers' feeds", () => {
  const customer = newCustomer()
  const lamp = newId()
  const orders = Array.from({ length: 6 }, () => ({ orderId: newId(), paymentId: newId() }))
  let feeds: Record<'orders' | 'payments' | 'users' | 'catalog', ProducerFeed>
  let t: OrderHistoryTestApp

  const list = async () => ((await t.get('/order-history?limit=100', customer)).json() as OrderHistoryPage).items
  const statusOf = (entries: OrderHistoryEntry[]) =>
    Object.fromEntries(entries.map((entry) => [entry.orderId, `${entry.status}/${entry.paymentStatus}`]))
  const operator = async () => t.bearer('operator')
  const rebuild = async (projection: string) => {
    const started = await t.app.inject({
      method: 'POST',
      url: `/ops/projections/${projection}/rebuild`,
      headers: await operator(),
    })
    expect(started.statusCode, started.body).toBe(202)
    const reads: number[] = []
    let state: {
      running: boolean
      error: string | null
      progress: { phase: string; sources: Record<string, { rebuilt: number; live: number }> } | null
    } = { running: true, error: null, progress: null }
    while (state.running) {
      // Reads go on against the old table until the swap commits.
      reads.push((await t.get('/order-history?limit=100', customer)).statusCode)
      state = (
        await t.app.inject({ method: 'GET', url: `/ops/projections/${projection}/rebuild`, headers: await operator() })
      ).json()
      await sleep(20)
    }
    expect(state.error).toBeNull()
    expect(reads.every((status) => status === 200)).toBe(true)
    // The answer says how far the replay went: to where the live consumer was, for every source.
    expect(state.progress?.phase).toBe('done')
    for (const source of Object.values(state.progress!.sources))
      expect(source.rebuilt).toBeGreaterThanOrEqual(source.live)
    expect(Object.values(state.progress!.sources).every((source) => source.rebuilt > 0)).toBe(true)
  }

  beforeAll(async () => {
    feeds = {
      orders: await startProducerFeed('orders', ordersEvents),
      payments: await startProducerFeed('payments', paymentsEvents),
      users: await startProducerFeed('users', usersEvents),
      catalog: await startProducerFeed('catalog', catalogEvents),
    }
    t = await createOrderHistoryTestApp({
      feeds: {
        orders: feeds.orders.url,
        payments: feeds.payments.url,
        users: feeds.users.url,
        catalog: feeds.catalog.url,
      },
    })
    t.eventing.start()
  })

  afterAll(async () => {
    await t?.close()
    await Promise.all(Object.values(feeds ?? {}).map((feed) => feed.close()))
  })

  it('fills the read models from the feeds, whichever feed delivers first', async () => {
    await feeds.payments.publish(...orders.map(({ orderId, paymentId }) => authorized(orderId, customer, paymentId)))
    await feeds.users.publish(registered(customer, 'Barbara'))
    await feeds.catalog.publish(productAdded(lamp, 'Lamp'))
    for (const { orderId, paymentId } of orders)
      await feeds.orders.publish(placed(orderId, customer, [lamp]), confirmed(orderId, customer, paymentId, lamp))
    await feeds.payments.publish(
      ...orders.slice(0, 3).map(({ orderId, paymentId }) => captured(orderId, customer, paymentId)),
    )

    const expected = Object.fromEntries(
      orders.map(({ orderId }, index) => [orderId, index < 3 ? 'CONFIRMED/captured' : 'CONFIRMED/authorized']),
    )
    // The four consumers run independently: wait for the slowest, then check what each one brought.
    await waitFor(async () => {
      const entries = await list()
      return (
        isDeepStrictEqual(statusOf(entries), expected) &&
        entries.every((entry) => entry.customerName !== null && entry.items[0]?.productName !== null)
      )
    })
    expect(
      (await list()).every((entry) => entry.customerName === 'Barbara' && entry.items[0]?.productName === 'Lamp'),
    ).toBe(true)
  })

  it('rebuilds the entries from the beginning of both feeds and goes on consuming after the swap', async () => {
    const before = await list()
    // A bug in an earlier release wrote wrong rows; the fix ships with a rebuild.
    await t.sql`update order_history set status = 'PENDING', payment_status = null`
    await t.sql`delete from order_history where order_id = ${orders[0]!.orderId}`
    expect(await list()).not.toEqual(before)

    await rebuild('order_history')
    expect(await list()).toEqual(before)

    // The live consumers took over where the replay stopped: new events apply once, old ones not again.
    await feeds.payments.publish(refunded(orders[0]!.orderId, customer, orders[0]!.paymentId))
    await waitFor(async () => (await list()).some((entry) => entry.paymentStatus === 'refunded'))
    expect(statusOf(await list())).toEqual({ ...statusOf(before), [orders[0]!.orderId]: 'CONFIRMED/refunded' })
    const inbox = await t.sql`
      select consumer, count(*)::int as n from seams_inbox
      where consumer like 'order-history.order_history.%' group by consumer order by consumer`
    expect(inbox.map((row) => [row['consumer'], row['n']])).toEqual([
      ['order-history.order_history.orders', 12],
      ['order-history.order_history.payments', 10],
    ])
  })

  it('can rebuild the same read model again, and a replica on its own', async () => {
    await rebuild('order_history')
    await feeds.catalog.publish(productChanged(lamp, 'Desk lamp', 2))
    await waitFor(async () => (await list()).every((entry) => entry.items[0]?.productName === 'Desk lamp'))
    await t.sql`update history_products set name = 'wrong'`
    await rebuild('history_products')
    expect((await list()).every((entry) => entry.items[0]?.productName === 'Desk lamp')).toBe(true)
    expect(statusOf(await list())).toMatchObject({
      [orders[0]!.orderId]: 'CONFIRMED/refunded',
      [orders[5]!.orderId]: 'CONFIRMED/authorized',
    })
  })
})
