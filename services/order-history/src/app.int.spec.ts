import type { AddressInfo } from 'node:net'
import { newId } from '@seams/core'
import { createHttpClient } from '@seams/http-client'
import { createTestIdentities } from '@seams/testing'
import { createOrderHistoryClient, type OrderHistoryPage } from '@shop/order-history-contracts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createOrderHistoryTestApp,
  identities,
  newCustomer,
  type OrderHistoryTestApp,
} from './order-history-test-app.ts'
import { placed, registered } from './test-events.ts'

describe('order-history', () => {
  let t: OrderHistoryTestApp

  beforeAll(async () => {
    t = await createOrderHistoryTestApp()
  })

  afterAll(async () => {
    await t?.close()
  })

  it("pages a customer's orders newest first without repeating or skipping, even as new orders arrive", async () => {
    const customer = newCustomer()
    const at = (minute: number) => new Date(Date.UTC(2025, 4, 1, 9, minute))
    // Two orders share a time: the order id breaks the tie, so neither is lost at a page boundary.
    const orders = Array.from({ length: 7 }, (_, index) => ({ orderId: newId(), at: at(index === 4 ? 3 : index) }))
    await t.apply(
      ...orders.map((order) => placed(order.orderId, customer, [newId()], order.at)),
      placed(newId(), newCustomer(), [newId()], at(2)),
    )
    const expected = [...orders]
      .sort((a, b) => b.at.getTime() - a.at.getTime() || (b.orderId < a.orderId ? -1 : 1))
      .map((order) => order.orderId)

    const seen: string[] = []
    let cursor: string | null = null
    do {
      const query: string = cursor === null ? '?limit=3' : `?limit=3&after=${cursor}`
      const page = (await t.get(`/order-history${query}`, customer)).json() as OrderHistoryPage
      expect(page.items.length).toBeLessThanOrEqual(3)
      seen.push(...page.items.map((entry) => entry.orderId))
      cursor = page.nextCursor
      // A newer order placed mid-way belongs before the first page, never inside the rest.
      if (seen.length === 3) await t.apply(placed(newId(), customer, [newId()], at(30)))
    } while (cursor !== null)
    expect(seen).toEqual(expected)
  })

  it('shows an entry to its customer and admins only, and asks anonymous callers to log in', async () => {
    const [customer, other, admin] = [newCustomer(), newCustomer(), { id: newId(), role: 'admin' as const }]
    const orderId = newId()
    await t.apply(placed(orderId, customer, [newId()]))
    expect((await t.get(`/order-history/${orderId}`, other)).statusCode).toBe(404)
    expect((await t.get(`/order-history/${orderId}`, other)).json()).toMatchObject({
      code: 'ORDER_HISTORY_ENTRY_NOT_FOUND',
    })
    expect((await t.get(`/order-history/${orderId}`, admin)).statusCode).toBe(200)
    // Through the gateway without a user is an anonymous client, never a trusted internal read.
    expect((await t.get(`/order-history/${orderId}`)).statusCode).toBe(401)
    const asOrders = await t.app.inject({
      method: 'GET',
      url: `/order-history/${orderId}`,
      headers: await t.bearer('orders'),
    })
    expect(asOrders.statusCode).toBe(403)
    expect((await t.get(`/order-history/${newId()}`, customer)).statusCode).toBe(404)

    const listed = (await t.get(`/order-history?customerId=${customer.id}`, admin)).json() as OrderHistoryPage
    expect(listed.items.map((entry) => entry.orderId)).toEqual([orderId])
    expect((await t.get(`/order-history?customerId=${customer.id}`, other)).statusCode).toBe(403)
    expect(((await t.get('/order-history', other)).json() as OrderHistoryPage).items).toEqual([])
    // Listing acts for a user: an anonymous client has nobody to list for.
    expect((await t.get('/order-history')).statusCode).toBe(401)
  })

  it('refuses calls without a valid service token', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/order-history' })).statusCode).toBe(401)
    expect((await t.app.inject({ method: 'GET', url: `/order-history/${newId()}` })).statusCode).toBe(401)
    // Another deployment's gateway: the same name, a key this service was never given.
    const forged = await (await createTestIdentities()).headersFor('order-history', { user: newCustomer() })
    const response = await t.app.inject({ method: 'GET', url: '/order-history', headers: forged })
    expect(response.statusCode).toBe(401)
    expect(response.headers['content-type']).toContain('application/problem+json')
    // The right gateway, with a user token the identity provider never signed.
    const genuine = await t.bearer('gateway')
    const strangerToken = (await createTestIdentities()).userToken(newCustomer())
    const impostor = await t.app.inject({
      method: 'GET',
      url: '/order-history',
      headers: { ...genuine, 'x-user-token': await strangerToken },
    })
    expect(impostor.statusCode).toBe(401)
  })

  it('rejects bad input with 400 naming the field', async () => {
    const customer = newCustomer()
    const foreign = Buffer.from(`not a time|${newId()}`).toString('base64url')
    const cases: { url: string; field: string }[] = [
      { url: '/order-history/not-a-uuid', field: 'params.orderId' },
      { url: '/order-history?limit=0', field: 'querystring.limit' },
      { url: '/order-history?limit=101', field: 'querystring.limit' },
      { url: '/order-history?limit=many', field: 'querystring.limit' },
      { url: '/order-history?after=%25%25%25', field: 'querystring.after' },
      { url: `/order-history?after=${foreign}`, field: 'querystring.after' },
      { url: `/order-history?after=${'a'.repeat(201)}`, field: 'querystring.after' },
      { url: '/order-history?customerId=nope', field: 'querystring.customerId' },
      { url: '/order-history?status=PENDING', field: 'querystring.status' },
    ]
    for (const bad of cases) {
      const response = await t.get(bad.url, customer)
      expect(response.statusCode, bad.url).toBe(400)
      expect(response.headers['content-type']).toContain('application/problem+json')
      expect(response.json().detail, bad.url).toContain(bad.field)
    }
  })

  it('reports consumer lag in readiness and keeps the operations routes to operators', async () => {
    const ready = (await t.app.inject({ method: 'GET', url: '/health/ready' })).json()
    expect(ready).toMatchObject({ status: 'ready', checks: { database: { ok: true }, events: { ok: true } } })
    expect(Object.keys(ready.checks.events.detail.consumers)).toEqual(
      expect.arrayContaining([
        'order-history.order_history.orders',
        'order-history.order_history.payments',
        'order-history.history_customers.users',
        'order-history.history_products.catalog',
      ]),
    )
    expect(
      (await t.app.inject({ method: 'GET', url: '/ops/events', headers: await t.bearer('operator') })).statusCode,
    ).toBe(200)
    expect(
      (await t.app.inject({ method: 'GET', url: '/ops/events', headers: await t.bearer('gateway', newCustomer()) }))
        .statusCode,
    ).toBe(403)
  })

  it('answers its typed client over HTTP', async () => {
    const customer = newCustomer()
    const orderId = newId()
    await t.apply(registered(customer, 'Edsger'), placed(orderId, customer, [newId()]))
    await t.app.listen({ port: 0, host: '127.0.0.1' })
    const http = createHttpClient({
      name: 'order-history',
      baseUrl: `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`,
      tokens: identities.authOf('gateway'),
    })
    try {
      const client = createOrderHistoryClient(http)
      const as = async (user: { id: string; role: string }) => ({ userToken: await identities.userToken(user) })
      expect(await client.getEntry(orderId, await as(customer))).toMatchObject({ orderId, customerName: 'Edsger' })
      expect(await client.getEntry(orderId, await as(newCustomer()))).toBeUndefined()
      expect(await client.list({ limit: 1 }, await as(customer))).toMatchObject({
        items: [{ orderId }],
        nextCursor: null,
      })
      const admin = { id: newId(), role: 'admin' }
      expect(
        (await client.list({ customerId: customer.id }, await as(admin))).items.map((entry) => entry.orderId),
      ).toEqual([orderId])
    } finally {
      await http.close()
    }
  })

  it('serves its OpenAPI document without a token', async () => {
    const openapi = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, unknown>
    }
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/order-history', '/order-history/{orderId}']))
  })
})
