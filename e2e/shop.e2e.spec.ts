import { randomBytes } from 'node:crypto'
import { adminDatabaseUrl, eventually } from '@seams/testing'
import { databaseOwners, demoProducts, loadDemoData, startTestShop, type TestShop } from '@shop/launcher'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { gatewayClient } from './support/gateway-client.ts'

// The foundation's promise, checked the way a user would: through the gateway, on real processes.
describe('the shop, end to end', () => {
  let test: TestShop
  let api: ReturnType<typeof gatewayClient>

  beforeAll(async () => {
    test = await startTestShop(adminDatabaseUrl())
    api = gatewayClient(test.shop.urls.gateway)
    await loadDemoData(test.shop.urls.gateway, {
      adminEmail: test.shop.wiring.admin.email,
      adminPassword: test.secrets.adminPassword,
      demoPassword: test.secrets.demoPassword,
    })
  })

  afterAll(async () => {
    await test?.close()
  })

  it('reports every service ready', async () => {
    const operator = `Bearer ${await test.identity('operator').tokenFor('gateway')}`
    const ready = await api.request('GET', '/health/ready', { headers: { authorization: operator } })
    expect(ready.status).toBe(200)
    expect(Object.keys(ready.body.checks).sort()).toEqual(['catalog', 'order-history', 'orders', 'payments', 'users'])
  })

  it('registers, logs in, lists products, places an order and shows it in the order history', async () => {
    const customer = await api.register(
      `e2e-${randomBytes(4).toString('hex')}@example.com`,
      'Erin Tweed',
      'correct-horse-battery',
    )
    expect((await api.request('GET', '/api/users/me', { token: customer.token })).body).toMatchObject({
      id: customer.id,
      role: 'customer',
    })
    const page = await api.request('GET', '/api/products?limit=50')
    expect(page.body.items.length).toBe(demoProducts.length)
    const product = page.body.items[0]
    const placed = await api.request('POST', '/api/orders', {
      token: customer.token,
      body: { items: [{ productId: product.id, quantity: 1 }] },
      headers: { 'idempotency-key': `e2e-${randomBytes(6).toString('hex')}` },
    })
    expect(placed.status).toBe(202)
    const orderId = placed.body.orderId as string
    await eventually(
      'the order is confirmed',
      async () =>
        (await api.request('GET', `/api/orders/${orderId}`, { token: customer.token })).body.status === 'CONFIRMED',
    )
    await eventually('order history shows it with names and payment', async () => {
      const entry = await api.request('GET', `/api/order-history/${orderId}`, { token: customer.token })
      return (
        entry.status === 200 &&
        entry.body.status === 'CONFIRMED' &&
        entry.body.customerName === 'Erin Tweed' &&
        entry.body.paymentStatus === 'authorized' &&
        entry.body.items[0].productName === product.name
      )
    })
  })

  it("refuses each service's database credentials at every other service's database", async () => {
    for (const owner of databaseOwners) {
      for (const intruder of databaseOwners.filter((service) => service !== owner)) {
        const url = new URL(test.shop.databaseUrls[intruder])
        url.pathname = new URL(test.shop.databaseUrls[owner]).pathname
        const sql = postgres(url.toString(), { max: 1, connect_timeout: 5, onnotice: () => {} })
        const error = await sql`select 1`.then(
          () => undefined,
          (failure: { code?: string }) => failure,
        )
        await sql.end()
        expect(error?.code, `${intruder} reaching ${owner}'s database`).toBe('42501')
      }
    }
  })

  it('keeps serving the other routes when one service is killed, and recovers when it is back', async () => {
    const customer = await api.register(
      `e2e-${randomBytes(4).toString('hex')}@example.com`,
      'Kay Ill',
      'correct-horse-battery',
    )
    await test.shop.kill('catalog')
    const started = performance.now()
    const products = await api.request('GET', `/api/products?limit=3&after=${randomBytes(2).toString('hex')}`)
    expect(products.status).toBe(503)
    expect(products.headers.get('content-type')).toContain('application/problem+json')
    expect(performance.now() - started).toBeLessThan(2000)
    expect((await api.request('GET', '/api/users/me', { token: customer.token })).status).toBe(200)
    expect((await api.request('GET', '/api/order-history', { token: customer.token })).status).toBe(200)
    // Readiness is checked at most once a second, so the gateway may say so a moment later.
    await eventually(
      'readiness reports the shop not ready',
      async () => (await api.request('GET', '/health/ready')).status === 503,
      { timeoutMs: 5000 },
    )
    await test.shop.start('catalog')
    await eventually(
      'products answer again',
      async () => (await api.request('GET', '/api/products?limit=1')).status === 200,
    )
  })
})
