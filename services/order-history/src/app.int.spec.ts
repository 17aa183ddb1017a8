import type { AddressInfo } from 'node:net'
import { newId } from '@seams/core'
import { createHttpClient } from '@seams/http-client'
import { createServiceTokens } from '@seams/service-kit'
import { createOrderHistoryClient, type OrderHistoryPage } from '@shop/order-history-contracts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createOrderHistoryTestApp, newCustomer, tokensOf, type OrderHistoryTestApp } from './order-history-test-app.ts'
import { placed, registered } from './test-events.ts'

describe('order-history', () => {
  let t: OrderHistoryTestApp

  beforeAll(async () => {
    t = await createOrderHistoryTestApp()
  })

  afterAll(async () => {
    await t?.close()
  })

  it('pages a customer\'s orders newest first without repeating or skipping, even as new orders arrive', async () => {
    const customer = newCustomer()
    const at = (minute: number) => new Date(Date.UTC(2025, 4, 1, 9, minute))
    // Two orders share a time: the order id breaks the tie, so neither is lost at a page boundary.
    const orders = Array.from({ length: 7 }, (_, index) => ({ orderId: newId(), at: at(index === 4 ? 3 : index) }))
    await t.apply(...orders.map((order) => placed(order.orderId, customer, [newId()], order.at)), placed(newId(), newCustomer(), [newId()], at(2)))
    const expected = [...orders].sort((a, b) => b.at.getTime() - a.at.getTime() || (b.orderId < a.orderId ? -1 : 1)).map((order) => order.orderId)

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

  it('shows an entry to its customer, an admin and a service, and hides it from other customers', async () => {
    const [customer, other, admin] = [newCustomer(), newCustomer(), { id: newId(), role: 'admin' as const }]
    const orderId = newId()
    await t.apply(placed(orderId, customer, [newId()]))
    expect((await t.get(`/order-history/${orderId}`, other)).statusCode).toBe(404)
    expect((await t.get(`/order-history/${orderId}`, other)).json()).toMatchObject({ code: 'ORDER_HISTORY_ENTRY_NOT_FOUND' })
    expect((await t.get(`/order-history/${orderId}`, admin)).statusCode).toBe(200)
    expect((await t.get(`/order-history/${orderId}`)).statusCode).toBe(200)
    expect((await t.get(`/order-history/${newId()}`, customer)).statusCode).toBe(404)

    const listed = (await t.get(`/order-history?customerId=${customer.id}`, admin)).json() as OrderHistoryPage
    expect(listed.items.map((entry) => entry.orderId)).toEqual([orderId])
    expect((await t.get(`/order-history?customerId=${customer.id}`, other)).statusCode).toBe(403)
    expect(((await t.get('/order-history', other)).json() as OrderHistoryPage).items).toEqual([])
    // Listing acts for a user: a service on its own behalf has nobody to list for.
    expect((await t.get('/order-history')).statusCode).toBe(401)
  })

  it('refuses calls without a valid service token', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/order-history' })).statusCode).toBe(401)
    expect((await t.app.inject({ method: 'GET', url: `/order-history/${newId()}` })).statusCode).toBe(401)
    const forged = `Bearer ${await tokensForgedBy('gateway').mint('order-history', newCustomer())}`
    const response = await t.app.inject({ method: 'GET', url: '/order-history', headers: { authorization: forged } })
    expect(response.statusCode).toBe(401)
    expect(response.headers['content-type']).toContain('application/problem+json')
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
    expect(Object.keys(ready.checks.events.detail.consumers)).toEqual(expect.arrayContaining(['order-history.order_history.orders', 'order-history.order_history.payments', 'order-history.history_customers.users', 'order-history.history_products.catalog']))
    expect((await t.app.inject({ method: 'GET', url: '/ops/events', headers: await t.bearer('operator') })).statusCode).toBe(200)
    expect((await t.app.inject({ method: 'GET', url: '/ops/events', headers: await t.bearer('gateway', newCustomer()) })).statusCode).toBe(403)
  })

  it('answers its typed client over HTTP', async () => {
    const customer = newCustomer()
    const orderId = newId()
    await t.apply(registered(customer, 'Edsger'), placed(orderId, customer, [newId()]))
    await t.app.listen({ port: 0, host: '127.0.0.1' })
    const http = createHttpClient({ name: 'order-history', baseUrl: `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`, tokens: tokensOf('gateway') })
    try {
      const client = createOrderHistoryClient(http)
      expect(await client.getEntry(orderId, { user: customer })).toMatchObject({ orderId, customerName: 'Edsger' })
      expect(await client.getEntry(orderId, { user: newCustomer() })).toBeUndefined()
      expect(await client.list({ limit: 1 }, { user: customer })).toMatchObject({ items: [{ orderId }], nextCursor: null })
      const admin = { id: newId(), role: 'admin' }
      expect((await client.list({ customerId: customer.id }, { user: admin })).items.map((entry) => entry.orderId)).toEqual([orderId])
    } finally {
      await http.close()
    }
  })

  it('serves its OpenAPI document without a token', async () => {
    const openapi = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, unknown> }
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/order-history', '/order-history/{orderId}']))
  })
})

const tokensForgedBy = (service: string) => createServiceTokens({ service, secret: 'another-secret-that-is-at-least-32-bytes' })
