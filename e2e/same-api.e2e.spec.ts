import { randomBytes } from 'node:crypto'
import { adminDatabaseUrl, eventually } from '@seams/testing'
import { startTestShop, type TestShop, type Topology } from '@shop/launcher'
import { generateKeyPair, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { gatewayClient } from './support/gateway-client.ts'

// "The same public API" proven rather than claimed: one suite of the shop's public journeys and refusals,
// run through the same gateway against the shop (a database per service) and against seed 002's starting
// point (one shared database). Only what a client may rely on is asserted, so either may settle an order
// its own way: a saga after the answer, or one transaction before it.
describe.each<Topology>(['owned', 'shared'])('the public API on the %s topology', (topology) => {
  let test: TestShop
  let api: ReturnType<typeof gatewayClient>
  let admin: string
  let alice: { id: string; token: string }
  let bob: { id: string; token: string }
  let product: { id: string; name: string; stockOnHand: number }
  let orderId: string

  beforeAll(async () => {
    test = await startTestShop(adminDatabaseUrl(), { topology })
    api = gatewayClient(test.shop.urls.gateway)
    admin = await api.login(test.shop.wiring.admin.email, test.secrets.adminPassword)
    const suffix = randomBytes(4).toString('hex')
    alice = await api.register(`alice-${suffix}@example.com`, 'Alice Liddell', 'correct-horse-battery')
    bob = await api.register(`bob-${suffix}@example.com`, 'Bob Bobson', 'correct-horse-battery')
  })

  afterAll(async () => {
    await test?.close()
  })

  it('answers readiness for the same five upstreams', async () => {
    const operator = `Bearer ${await test.identity('operator').tokenFor('gateway')}`
    const ready = await api.request('GET', '/health/ready', { headers: { authorization: operator } })
    expect(ready.status).toBe(200)
    expect(Object.keys(ready.body.checks).sort()).toEqual(['catalog', 'order-history', 'orders', 'payments', 'users'])
  })

  it('lets an admin add a product that everyone can browse, and refuses a customer', async () => {
    const body = {
      sku: `SAME-${randomBytes(3).toString('hex')}`,
      name: 'Walnut Desk',
      priceCents: 4200,
      currency: 'EUR',
    }
    const added = await api.request('POST', '/api/products', { token: admin, body: { ...body, stockOnHand: 5 } })
    expect(added.status).toBe(201)
    product = added.body
    expect((await api.request('POST', '/api/products', { token: alice.token, body })).status).toBe(403)
    const duplicate = await api.request('POST', '/api/products', { token: admin, body })
    expect(duplicate.status).toBe(409)
    expect(duplicate.body.code).toBe('CATALOG_DUPLICATE_SKU')
    const read = await api.request('GET', `/api/products/${product.id}`)
    expect(read.body).toMatchObject({ id: product.id, name: 'Walnut Desk', stockOnHand: 5 })
    const page = await api.request('GET', '/api/products?limit=100')
    expect(page.body.items.map((item: { id: string }) => item.id)).toContain(product.id)
  })

  it('names the field of a bad request', async () => {
    const bad = await api.request('POST', '/api/orders', {
      token: alice.token,
      headers: { 'idempotency-key': `same-${randomBytes(4).toString('hex')}` },
      body: { items: [{ productId: product.id, quantity: 0 }] },
    })
    expect(bad.status).toBe(400)
    expect(JSON.stringify(bad.body)).toContain('quantity')
  })

  it('places an order, confirms it with its payment, and shows it in the history with names', async () => {
    const key = `same-${randomBytes(6).toString('hex')}`
    const request = {
      token: alice.token,
      headers: { 'idempotency-key': key },
      body: { items: [{ productId: product.id, quantity: 2 }] },
    }
    const placed = await api.request('POST', '/api/orders', request)
    expect(placed.status).toBe(202)
    expect(placed.body.status).toBe('PENDING')
    orderId = placed.body.orderId
    // The same key again is the same order.
    expect((await api.request('POST', '/api/orders', request)).body.orderId).toBe(orderId)
    // The owned topology names the product from its replica of the catalog, which may lag a moment.
    await eventually('the order is confirmed, its product named', async () => {
      const order = await api.request('GET', `/api/orders/${orderId}`, { token: alice.token })
      return order.body.status === 'CONFIRMED' && order.body.items[0].productName === 'Walnut Desk'
    })
    const order = (await api.request('GET', `/api/orders/${orderId}`, { token: alice.token })).body
    expect(order).toMatchObject({ customerId: alice.id, totalCents: 8400, currency: 'EUR' })
    expect(order.items).toEqual([
      { productId: product.id, productName: 'Walnut Desk', quantity: 2, unitPriceCents: 4200 },
    ])
    const payment = await api.request('GET', `/api/payments?orderId=${orderId}`, { token: alice.token })
    expect(payment.body).toMatchObject({ id: order.paymentId, amountCents: 8400, status: 'authorized' })
    await eventually('the history shows names and payment', async () => {
      const entry = await api.request('GET', `/api/order-history/${orderId}`, { token: alice.token })
      return (
        entry.status === 200 &&
        entry.body.customerName === 'Alice Liddell' &&
        entry.body.paymentStatus === 'authorized' &&
        entry.body.items[0].productName === 'Walnut Desk'
      )
    })
    const details = await api.request('GET', `/api/orders/${orderId}/details`, { token: alice.token })
    expect(details.status).toBe(200)
    expect(JSON.stringify(details.body)).toContain('Walnut Desk')
    const mine = await api.request('GET', '/api/orders', { token: alice.token })
    expect(mine.body.items.map((item: { id: string }) => item.id)).toEqual([orderId])
    await eventually('stock is taken', async () => {
      const read = await api.request('GET', `/api/products/${product.id}`)
      return read.body.stockOnHand === 3
    })
  })

  it("answers anonymous clients 401 and another customer 404 for one customer's resources", async () => {
    const owned = [
      `/api/orders/${orderId}`,
      `/api/order-history/${orderId}`,
      `/api/payments?orderId=${orderId}`,
      `/api/users/${alice.id}`,
    ]
    for (const path of owned) {
      expect((await api.request('GET', path)).status, path).toBe(401)
      expect((await api.request('GET', path, { token: bob.token })).status, path).toBe(404)
      expect((await api.request('GET', path, { token: admin })).status, path).toBe(200)
    }
    expect((await api.request('GET', `/api/orders?customerId=${alice.id}`, { token: bob.token })).status).toBe(403)
    expect((await api.request('POST', `/api/orders/${orderId}/cancel`, { token: bob.token })).status).toBe(404)
    expect(
      (await api.request('PATCH', `/api/users/${alice.id}`, { token: bob.token, body: { name: 'Mallory' } })).status,
    ).toBe(404)
  })

  it("refuses a token signed with a stranger's key, at the gateway and at the service", async () => {
    const stranger = await generateKeyPair('ES256')
    const forged = await new SignJWT({ sub: bob.id, role: 'admin', email: 'bob@example.com' })
      .setProtectedHeader({
        alg: 'ES256',
        kid: JSON.parse(Buffer.from(alice.token.split('.')[0]!, 'base64url').toString()).kid,
      })
      .setIssuer('seams-users')
      .setAudience('seams-shop')
      .setExpirationTime('10m')
      .sign(stranger.privateKey)
    expect((await api.request('GET', `/api/orders/${orderId}`, { token: forged })).status).toBe(401)
    const direct = await fetch(`${test.shop.urls.orders}/orders/${orderId}`, {
      headers: { authorization: `Bearer ${forged}` },
    })
    expect(direct.status).toBe(401)
  })

  it('cancels an order, giving the stock back and voiding the payment', async () => {
    const cancelled = await api.request('POST', `/api/orders/${orderId}/cancel`, { token: alice.token })
    expect(cancelled.status).toBe(202)
    await eventually('the order is cancelled and the stock back', async () => {
      const order = await api.request('GET', `/api/orders/${orderId}`, { token: alice.token })
      const read = await api.request('GET', `/api/products/${product.id}`)
      return order.body.status === 'CANCELLED' && read.body.stockOnHand === 5
    })
    await eventually('the payment is voided', async () => {
      const payment = await api.request('GET', `/api/payments?orderId=${orderId}`, { token: alice.token })
      return payment.body.status === 'voided'
    })
  })
})
