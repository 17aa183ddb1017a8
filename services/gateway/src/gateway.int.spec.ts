import { randomBytes } from 'node:crypto'
import type { Product, ProductPage } from '@shop/catalog-contracts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rawRequest } from './testing/http.ts'
import { shopClient, type ShopClient } from './testing/shop-client.ts'
import { startShopUnderTest, type ShopUnderTest } from './testing/shop-under-test.ts'

const problemJson = 'application/problem+json'

describe('gateway', () => {
  let shop: ShopUnderTest
  let client: ShopClient
  let adminToken: string

  beforeAll(async () => {
    shop = await startShopUnderTest({ services: ['users', 'catalog', 'payments'] })
    client = shopClient(shop.gatewayUrl)
    adminToken = (await client.logIn(shop.shop.wiring.admin.email, shop.secrets.adminPassword)).accessToken
  })

  afterAll(async () => {
    await shop?.stop()
  })

  const addProduct = async (headers: Record<string, string> = {}) => {
    const sku = `GW-${randomBytes(4).toString('hex')}`
    const response = await client.send('POST', '/api/products', {
      token: adminToken,
      headers,
      body: { sku, name: `Lamp ${sku}`, priceCents: 1999, currency: 'EUR', stockOnHand: 3 },
    })
    expect(response.status, await response.clone().text()).toBe(201)
    return (await response.json()) as Product
  }

  it('signs a customer up, logs them in and serves their own account', async () => {
    const { user, token } = await client.signUp()
    const me = await client.send('GET', '/api/users/me', { token })
    expect(me.status).toBe(200)
    expect(await me.json()).toEqual(user)
    expect(user.role).toBe('customer')
  })

  it("passes the service's answer through: status, problem body and safe headers", async () => {
    const login = await client.send('POST', '/api/auth/login', {
      body: { email: shop.shop.wiring.admin.email, password: shop.secrets.adminPassword },
    })
    expect(login.headers.get('cache-control')).toBe('no-store')
    const anonymous = await client.send('GET', '/api/users/me')
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('content-type')).toContain(problemJson)
    // The users service refused it, not the gateway: no token is anonymous, and the service decides.
    expect(await anonymous.json()).toMatchObject({ code: 'SEAMS_CORE_UNAUTHENTICATED' })
  })

  it('lets the admin add products, keeps them from customers and preserves the query string', async () => {
    await addProduct()
    await addProduct()
    const { token: customer } = await client.signUp()
    const refused = await client.send('POST', '/api/products', {
      token: customer,
      body: { sku: 'NOPE-1', name: 'x', priceCents: 1, currency: 'EUR' },
    })
    expect(refused.status).toBe(403)
    const page = await client.send('GET', '/api/products?limit=1')
    expect(page.status).toBe(200)
    const body = (await page.json()) as ProductPage
    expect(body.items).toHaveLength(1)
    expect(body.nextCursor).not.toBeNull()
    const next = (await (
      await client.send('GET', `/api/products?limit=1&after=${encodeURIComponent(body.nextCursor!)}`)
    ).json()) as ProductPage
    expect(next.items[0]!.sku > body.items[0]!.sku).toBe(true)
  })

  it("continues the client's trace into the service that owns the data", async () => {
    const traceId = randomBytes(16).toString('hex')
    const product = await addProduct({ traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` })
    // The catalog stamps its events with the trace of the request that caused them.
    const token = await shop.identity('order-history').tokenFor('catalog')
    // The relay stamps the event moments after the commit: follow the feed until it shows up.
    let after = 0
    let added: { subject: string; traceparent: string } | undefined
    while (added === undefined) {
      const feed = await fetch(
        `${shop.shop.urls.catalog}/events?after=${after}&limit=1000&types=catalog.ProductAdded&wait=5000`,
        { headers: { authorization: `Bearer ${token}` } },
      )
      const page = (await feed.json()) as { next: number; events: { subject: string; traceparent: string }[] }
      added = page.events.find((event) => event.subject === product.id)
      after = page.next
    }
    expect(added.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`))
  })

  it('echoes a well-formed x-request-id and makes one up otherwise', async () => {
    const given = await client.send('GET', '/api/products', { headers: { 'x-request-id': 'client-req-42' } })
    expect(given.headers.get('x-request-id')).toBe('client-req-42')
    const replaced = await client.send('GET', '/api/nowhere', { headers: { 'x-request-id': 'not ok; <script>' } })
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('refuses bodies over the limit with 413 before any service sees them', async () => {
    const response = await client.send('POST', '/api/users', {
      body: { email: 'big@example.com', name: 'x'.repeat(1024 * 1024 + 1), password: 'long enough' },
    })
    expect(response.status).toBe(413)
    expect(response.headers.get('content-type')).toContain(problemJson)
  })

  it.each([
    '/api',
    '/api/reservations',
    '/api/events',
    '/api/simulator',
    '/api/products%2f..%2freservations',
    '/api/%70roducts',
  ])('has no route for %s', async (target) => {
    const response = await rawRequest(shop.gatewayUrl, target)
    expect(response.status).toBe(404)
    expect(response.headers['content-type']).toContain(problemJson)
  })

  it.each([
    '/api/products/../reservations',
    '/api/products/%2e%2e/reservations',
    '/api/products/%2E%2e/events?after=0',
    '/api/products/.%2E/reservations',
    '/api/products/..%2Freservations',
    '/api/products/..%5Creservations',
    '/api/payments/../simulator',
    '/api/users/me/../../health/ready',
  ])('never lets %s reach an internal endpoint', async (target) => {
    const response = await rawRequest(shop.gatewayUrl, target, { headers: { authorization: `Bearer ${adminToken}` } })
    expect(response.status).toBe(400)
    expect(response.json()).toMatchObject({ code: 'GATEWAY_PATH_NOT_CANONICAL' })
  })

  it('is live, and not ready while orders and order-history are down, with detail for operators only', async () => {
    expect((await fetch(`${shop.gatewayUrl}/health/live`)).status).toBe(200)
    const anonymous = await fetch(`${shop.gatewayUrl}/health/ready`)
    expect(anonymous.status).toBe(503)
    expect(await anonymous.json()).toEqual({ status: 'not_ready', service: 'gateway' })
    const ready = await fetch(`${shop.gatewayUrl}/health/ready`, {
      headers: { authorization: `Bearer ${await shop.identity('operator').tokenFor('gateway')}` },
    })
    expect(ready.status).toBe(503)
    const { checks } = (await ready.json()) as { checks: Record<string, { ok: boolean }> }
    expect(Object.fromEntries(Object.entries(checks).map(([name, check]) => [name, check.ok]))).toEqual({
      users: true,
      catalog: true,
      payments: true,
      orders: false,
      'order-history': false,
    })
  })

  it('exports per-service client metrics to operators only', async () => {
    expect((await fetch(`${shop.gatewayUrl}/metrics`)).status).toBe(403)
    expect(
      (await fetch(`${shop.gatewayUrl}/metrics`, { headers: { authorization: `Bearer ${adminToken}` } })).status,
    ).toBe(403)
    const asOrders = `Bearer ${await shop.identity('orders').tokenFor('gateway')}`
    expect((await fetch(`${shop.gatewayUrl}/metrics`, { headers: { authorization: asOrders } })).status).toBe(403)
    const operator = `Bearer ${await shop.identity('operator').tokenFor('gateway')}`
    const metrics = await (await fetch(`${shop.gatewayUrl}/metrics`, { headers: { authorization: operator } })).text()
    expect(metrics).toMatch(/http_client_calls_total\{[^}]*dependency="catalog"[^}]*outcome="success"/)
    expect(metrics).toMatch(/http_client_circuit_state\{[^}]*dependency="users"/)
  })

  it('describes the public API only whole: with services down it names one and asks to retry', async () => {
    const openapi = await fetch(`${shop.gatewayUrl}/openapi.json`)
    expect(openapi.status).toBe(503)
    expect(await openapi.json()).toMatchObject({
      code: 'GATEWAY_SERVICE_UNAVAILABLE',
      service: expect.stringMatching(/^(orders|order-history)$/),
    })
  })
})
