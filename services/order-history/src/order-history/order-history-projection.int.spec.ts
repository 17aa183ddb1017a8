import { newId } from '@seams/core'
import type { OrderHistoryEntry, OrderHistoryPage } from '@shop/order-history-contracts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createOrderHistoryTestApp,
  newCustomer,
  waitFor,
  type OrderHistoryTestApp,
  type TestUser,
} from '../order-history-test-app.ts'
import {
  authorized,
  cancelled,
  captured,
  confirmed,
  placed,
  productAdded,
  productChanged,
  profileChanged,
  refunded,
  registered,
} from '../test-events.ts'

// Events applied through the projections' own handlers, one transaction each (or held open where a
// spec needs two consumers to overlap), and read back through the HTTP API.

describe('order history read models', () => {
  let t: OrderHistoryTestApp
  const lockWaiters = async () =>
    Number(
      (
        await t.sql`
          select count(*) as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'`
      )[0]!['n'],
    )
  const entryOf = async (orderId: string, user: TestUser) => {
    const response = await t.get(`/order-history/${orderId}`, user)
    expect(response.statusCode, response.body).toBe(200)
    return response.json() as OrderHistoryEntry
  }

  beforeAll(async () => {
    t = await createOrderHistoryTestApp()
  })

  afterAll(async () => {
    await t?.close()
  })

  it('joins the customer and product names in when read, so a rename shows in past orders at once', async () => {
    const customer = newCustomer()
    const [lamp, chair, unknown] = [newId(), newId(), newId()]
    const orderId = newId()
    await t.apply(
      registered(customer, 'Ada'),
      productAdded(lamp, 'Lamp'),
      productAdded(chair, 'Chair'),
      placed(orderId, customer, [lamp, chair, unknown]),
    )
    expect(await entryOf(orderId, customer)).toMatchObject({
      orderId,
      customerId: customer.id,
      customerName: 'Ada',
      status: 'PENDING',
      reason: null,
      totalCents: null,
      paymentId: null,
      paymentStatus: null,
      items: [
        { productId: lamp, productName: 'Lamp', quantity: 2, unitPriceCents: null },
        { productId: chair, productName: 'Chair', quantity: 2, unitPriceCents: null },
        { productId: unknown, productName: null, quantity: 2, unitPriceCents: null },
      ],
    })

    await t.apply(productChanged(lamp, 'Desk lamp', 2), profileChanged(customer, 'Ada Lovelace', 2))
    const renamed = await entryOf(orderId, customer)
    expect(renamed.customerName).toBe('Ada Lovelace')
    expect(renamed.items.map((item) => item.productName)).toEqual(['Desk lamp', 'Chair', null])
  })

  it('shows a customer name as null until the users event arrives', async () => {
    const customer = newCustomer()
    const orderId = newId()
    await t.apply(placed(orderId, customer, [newId()]))
    expect(await entryOf(orderId, customer)).toMatchObject({ customerName: null, status: 'PENDING' })
  })

  it('follows the order and its payment from both feeds to the end', async () => {
    const customer = newCustomer()
    const [orderId, paymentId, lamp] = [newId(), newId(), newId()]
    await t.apply(
      productAdded(lamp, 'Lamp'),
      placed(orderId, customer, [lamp]),
      authorized(orderId, customer, paymentId),
      confirmed(orderId, customer, paymentId, lamp),
      captured(orderId, customer, paymentId),
    )
    expect(await entryOf(orderId, customer)).toMatchObject({
      status: 'CONFIRMED',
      totalCents: 3000,
      currency: 'EUR',
      paymentId,
      paymentStatus: 'captured',
      items: [{ productId: lamp, productName: 'Lamp', quantity: 2, unitPriceCents: 1500 }],
    })
    await t.apply(cancelled(orderId, customer, paymentId), refunded(orderId, customer, paymentId))
    expect(await entryOf(orderId, customer)).toMatchObject({
      status: 'CANCELLED',
      reason: 'changed my mind',
      totalCents: 3000,
      paymentId,
      paymentStatus: 'refunded',
    })
  })

  it('keeps a payment that arrives before its order and shows the entry once the order is known', async () => {
    const customer = newCustomer()
    const [orderId, paymentId] = [newId(), newId()]
    await t.apply(authorized(orderId, customer, paymentId))
    expect((await t.get(`/order-history/${orderId}`, customer)).statusCode).toBe(404)
    expect(((await t.get('/order-history', customer)).json() as OrderHistoryPage).items).toEqual([])

    const placedAt = new Date('2025-03-01T10:00:00.000Z')
    await t.apply(placed(orderId, customer, [newId()], placedAt))
    expect(await entryOf(orderId, customer)).toMatchObject({
      status: 'PENDING',
      paymentId,
      paymentStatus: 'authorized',
      placedAt: placedAt.toISOString(),
    })
    expect(
      ((await t.get('/order-history', customer)).json() as OrderHistoryPage).items.map((entry) => entry.orderId),
    ).toEqual([orderId])
  })

  it('merges an order event and a payment event that both found no entry for the same new order', async () => {
    const customer = newCustomer()
    const [orderId, paymentId] = [newId(), newId()]
    // The payments consumer creates the entry and holds its transaction open; the orders consumer, which
    // saw no entry, then blocks on inserting one. Once payments commits, orders must merge, not give up.
    let paymentWritten!: () => void
    let commitPayment!: () => void
    const written = new Promise<void>((resolve) => (paymentWritten = resolve))
    const paymentHeld = new Promise<void>((resolve) => (commitPayment = resolve))
    const payment = t.sql.begin(async (tx) => {
      await t.applyIn(tx, authorized(orderId, customer, paymentId))
      paymentWritten()
      await paymentHeld
    })
    await written
    const order = t.apply(placed(orderId, customer, [newId()]))
    await waitFor(async () => (await lockWaiters()) > 0)
    commitPayment()
    await Promise.all([payment, order])
    expect(await entryOf(orderId, customer)).toMatchObject({
      status: 'PENDING',
      paymentId,
      paymentStatus: 'authorized',
    })
  })

  it('ignores events older than what each part, customer and product already hold', async () => {
    const customer = newCustomer()
    const [orderId, paymentId, lamp] = [newId(), newId(), newId()]
    await t.apply(
      registered(customer, 'Grace'),
      profileChanged(customer, 'Grace Hopper', 3),
      productAdded(lamp, 'Lamp'),
      productChanged(lamp, 'Floor lamp', 3),
    )
    await t.apply(
      placed(orderId, customer, [lamp]),
      confirmed(orderId, customer, paymentId, lamp),
      authorized(orderId, customer, paymentId),
      captured(orderId, customer, paymentId),
    )
    const before = await entryOf(orderId, customer)

    // Late redeliveries, past the inbox's memory: only the aggregate versions can catch them.
    await t.apply(
      placed(orderId, customer, [newId()]),
      authorized(orderId, customer, paymentId),
      profileChanged(customer, 'G.', 2),
      productChanged(lamp, 'Old lamp', 2),
      registered(customer, 'Someone'),
    )
    expect(await entryOf(orderId, customer)).toEqual(before)
    expect(before).toMatchObject({
      status: 'CONFIRMED',
      paymentStatus: 'captured',
      customerName: 'Grace Hopper',
      items: [{ productName: 'Floor lamp', unitPriceCents: 1500 }],
    })
  })
})
