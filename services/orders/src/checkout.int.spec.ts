import { newId } from '@seams/core'
import { adminDatabaseUrl, eventually, faultPointEnvironment } from '@seams/testing'
import { startTestShop, type TestShop } from '@shop/launcher'
import type { Product } from '@shop/catalog-contracts'
import type { Order } from '@shop/orders-contracts'
import type { Payment } from '@shop/payments-contracts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// The checkout saga across real catalog, payments and orders processes.
describe('checkout across catalog, payments and orders', () => {
  let test: TestShop
  const admin = { id: newId(), role: 'admin' }
  const customer = { id: newId(), role: 'customer' }

  beforeAll(async () => {
    test = await startTestShop(adminDatabaseUrl(), { services: ['users', 'catalog', 'payments', 'orders'] })
  })

  afterAll(async () => {
    await test?.close()
  })

  async function product(stockOnHand: number, priceCents = 1500): Promise<Product> {
    const created = await test.call('catalog', 'POST', '/products', {
      user: admin,
      body: { sku: `SKU-${newId()}`, name: 'Lamp', priceCents, currency: 'EUR', stockOnHand },
    })
    expect(created.status).toBe(201)
    return created.body
  }

  const stockOf = async (id: string) => (await test.call<Product>('catalog', 'GET', `/products/${id}`)).body.stockOnHand
  const paymentOf = async (orderId: string) =>
    (await test.call<Payment>('payments', 'GET', `/payments?orderId=${orderId}`, { as: 'orders' })).body

  async function place(
    items: { productId: string; quantity: number }[],
    user = customer,
    key = `key-${newId()}`,
  ): Promise<string> {
    const accepted = await test.call('orders', 'POST', '/orders', {
      user,
      body: { items },
      headers: { 'idempotency-key': key },
    })
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(202)
    return accepted.body.orderId
  }

  const orderOf = async (orderId: string, user = customer) =>
    (await test.call<Order>('orders', 'GET', `/orders/${orderId}`, { user })).body
  const settled = (orderId: string, user = customer, timeoutMs = 20_000) =>
    eventually(`order ${orderId} settling`, () => orderOf(orderId, user), {
      until: (order) => order.status !== 'PENDING',
      timeoutMs,
    })

  it('confirms an order: stock reserved at the current price, payment authorized', async () => {
    const lamp = await product(5, 1999)
    const orderId = await place([{ productId: lamp.id, quantity: 2 }])
    const order = await settled(orderId)
    expect(order).toMatchObject({
      status: 'CONFIRMED',
      totalCents: 3998,
      currency: 'EUR',
      items: [{ productId: lamp.id, quantity: 2, unitPriceCents: 1999 }],
    })
    expect(await stockOf(lamp.id)).toBe(3)
    expect(await paymentOf(orderId)).toMatchObject({ status: 'authorized', amountCents: 3998, id: order.paymentId })
  })

  it('answers a repeated Idempotency-Key with the first order, and refuses it with another body', async () => {
    const lamp = await product(5)
    const key = `key-${newId()}`
    const first = await place([{ productId: lamp.id, quantity: 1 }], customer, key)
    const again = await place([{ productId: lamp.id, quantity: 1 }], customer, key)
    expect(again).toBe(first)
    const other = await test.call('orders', 'POST', '/orders', {
      user: customer,
      body: { items: [{ productId: lamp.id, quantity: 2 }] },
      headers: { 'idempotency-key': key },
    })
    expect(other.status).toBe(422)
    const missing = await test.call('orders', 'POST', '/orders', {
      user: customer,
      body: { items: [{ productId: lamp.id, quantity: 1 }] },
    })
    expect(missing.status).toBe(400)
    expect(missing.body.detail).toContain('headers.idempotency-key')
    await settled(first)
    expect(await stockOf(lamp.id)).toBe(4)
  })

  it('rejects an order the catalog cannot fill, holding nothing', async () => {
    const lamp = await product(1)
    const order = await settled(await place([{ productId: lamp.id, quantity: 2 }]))
    expect(order.status).toBe('REJECTED')
    expect(order.reason).toContain('OUT_OF_STOCK')
    expect(await stockOf(lamp.id)).toBe(1)
  })

  it('rejects an order whose payment is declined and puts the stock back', async () => {
    const lamp = await product(3)
    await test.call('payments', 'PUT', '/simulator', {
      as: 'operator',
      body: { latencyMs: 5, jitterMs: 0, declineRate: 1, errorRate: 0, hangRate: 0 },
    })
    try {
      const orderId = await place([{ productId: lamp.id, quantity: 2 }])
      const order = await settled(orderId)
      expect(order.status).toBe('REJECTED')
      expect(order.reason).toContain('PAYMENT_DECLINED')
      expect(await stockOf(lamp.id)).toBe(3)
      expect((await paymentOf(orderId)).status).toBe('failed')
    } finally {
      await test.call('payments', 'PUT', '/simulator', {
        as: 'operator',
        body: { latencyMs: 5, jitterMs: 0, declineRate: 0, errorRate: 0, hangRate: 0 },
      })
    }
  })

  it('cancels a confirmed order: voids the payment and restocks', async () => {
    const lamp = await product(4)
    const orderId = await place([{ productId: lamp.id, quantity: 3 }])
    expect((await settled(orderId)).status).toBe('CONFIRMED')
    const cancel = await test.call('orders', 'POST', `/orders/${orderId}/cancel`, { user: customer })
    expect(cancel.status).toBe(202)
    await eventually('the order cancelled', async () => (await settled(orderId)).status === 'CANCELLED')
    expect(await stockOf(lamp.id)).toBe(4)
    expect((await paymentOf(orderId)).status).toBe('voided')
    const rejectedAgain = await test.call('orders', 'POST', `/orders/${orderId}/cancel`, { user: customer })
    expect(rejectedAgain.status).toBe(202)
  })

  it('shows an order only to its customer and admins', async () => {
    const lamp = await product(2)
    const orderId = await place([{ productId: lamp.id, quantity: 1 }])
    const stranger = { id: newId(), role: 'customer' }
    expect((await test.call('orders', 'GET', `/orders/${orderId}`, { user: stranger })).status).toBe(404)
    expect((await test.call('orders', 'GET', `/orders/${orderId}`, { user: admin })).status).toBe(200)
    expect((await test.call('orders', 'POST', `/orders/${orderId}/cancel`, { user: stranger })).status).toBe(404)
    const bare = await fetch(`${test.shop.urls.orders}/orders/${orderId}`)
    expect(bare.status).toBe(401)
    await settled(orderId)
  })

  it('rejects the order at once when payments is down (no call reached it) and gives the stock back', async () => {
    const lamp = await product(2)
    await test.shop.stop('payments')
    try {
      const order = await settled(await place([{ productId: lamp.id, quantity: 1 }]), customer, 30_000)
      expect(order.status).toBe('REJECTED')
      expect(order.reason).toContain('authorize-payment did not answer')
      expect(await stockOf(lamp.id)).toBe(2)
    } finally {
      await test.shop.start('payments')
    }
  })

  it.each(['reserve-stock', 'authorize-payment', 'confirm-order'])(
    'finishes exactly once when orders is killed right after %s',
    async (step) => {
      const lamp = await product(5, 700)
      await test.shop.stop('orders')
      const dying = await test.shop.start(
        'orders',
        faultPointEnvironment({ killAt: [`saga.step-done:checkout:${step}`] }),
      )
      const orderId = await place([{ productId: lamp.id, quantity: 2 }])
      expect(await dying.exited).toBe('SIGKILL')
      await test.shop.start('orders')
      const order = await settled(orderId)
      expect(order.status).toBe('CONFIRMED')
      expect(await stockOf(lamp.id)).toBe(3)
      expect(await paymentOf(orderId)).toMatchObject({ status: 'authorized', amountCents: 1400 })
    },
  )

  it("cancels a deactivated customer's open orders by choreography: catalog and payments each give back", async () => {
    const registered = await test.call('users', 'POST', '/users', {
      body: { email: `c-${newId()}@example.com`, name: 'Dee Activated', password: 'a-long-password' },
    })
    const user = { id: registered.body.id as string, role: 'customer' }
    const lamp = await product(6)
    const orderId = await place([{ productId: lamp.id, quantity: 2 }], user)
    expect((await settled(orderId, user)).status).toBe('CONFIRMED')
    expect((await test.call('users', 'POST', `/users/${user.id}/deactivate`, { user })).status).toBe(200)
    await eventually('the order cancelled', async () => (await settled(orderId, user)).status === 'CANCELLED')
    expect((await settled(orderId, user)).reason).toBe('CUSTOMER_DEACTIVATED')
    await eventually('the stock given back', async () => (await stockOf(lamp.id)) === 6)
    await eventually('the payment voided', async () => (await paymentOf(orderId)).status === 'voided')
    // The replica now refuses new orders from the account, even with a token that is still valid.
    const refused = await test.call('orders', 'POST', '/orders', {
      user,
      body: { items: [{ productId: lamp.id, quantity: 1 }] },
      headers: { 'idempotency-key': `key-${newId()}` },
    })
    expect(refused.status).toBe(403)
  })
})
