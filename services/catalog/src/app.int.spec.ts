import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { newId, systemClock } from '@seams/core'
import { createEventing, type Eventing } from '@seams/eventing'
import { createHttpClient } from '@seams/http-client'
import {
  createDatabase,
  createLogger,
  createMetricsRegistry,
  runMigrations,
  type ServiceApp,
  type Sql,
} from '@seams/service-kit'
import { createTestDatabase, createTestIdentities, type TestDatabase } from '@seams/testing'
import { catalogEvents, createCatalogClient, type Product } from '@shop/catalog-contracts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from './app.ts'

const identities = await createTestIdentities()
const admin = { id: newId(), role: 'admin' }
const customer = { id: newId(), role: 'customer' }

describe('catalog', () => {
  let database: TestDatabase
  let sql: Sql
  let eventing: Eventing
  let app: ServiceApp

  beforeAll(async () => {
    database = await createTestDatabase('catalog')
    sql = createDatabase(database.url, { applicationName: 'catalog-test', max: 20 })
    const logger = createLogger({ service: 'catalog', level: 'silent' })
    eventing = createEventing({ sql, service: 'catalog', publishes: catalogEvents, transport: 'http-feed' })
    await runMigrations(sql, {
      sources: [
        ...eventing.migrations,
        { component: 'catalog', directory: fileURLToPath(new URL('../migrations', import.meta.url)) },
      ],
    })
    app = await buildApp({
      sql,
      eventing,
      auth: identities.authOf('catalog'),
      logger,
      metrics: createMetricsRegistry('catalog'),
      newId,
      now: systemClock,
      reservationCallers: ['orders'],
    })
  })

  afterAll(async () => {
    await app?.close()
    await sql?.end()
    await database?.drop()
  })

  const as = (user?: { id: string; role: string }) => identities.headersFor('catalog', { user })
  const asOrders = () => identities.headersFor('catalog', { as: 'orders' })

  async function addProduct(sku: string, stockOnHand: number, priceCents = 1999): Promise<Product> {
    const response = await app.inject({
      method: 'POST',
      url: '/products',
      headers: await as(admin),
      payload: { sku, name: `Product ${sku}`, priceCents, currency: 'EUR', stockOnHand },
    })
    expect(response.statusCode, response.body).toBe(201)
    return response.json()
  }

  const count = async (table: string) => Number((await sql`select count(*) as n from ${sql(table)}`)[0]!['n'])

  it('refuses calls without a valid service token', async () => {
    expect((await app.inject({ method: 'GET', url: '/products' })).statusCode).toBe(401)
    const forged = await (await createTestIdentities()).headersFor('catalog')
    const response = await app.inject({ method: 'GET', url: '/products', headers: forged })
    expect(response.statusCode).toBe(401)
    expect(response.headers['content-type']).toContain('application/problem+json')
  })

  it('lets admins add and change products, emitting events in the same transaction', async () => {
    const product = await addProduct('LAMP-1', 5)
    expect(product).toMatchObject({ sku: 'LAMP-1', stockOnHand: 5, version: 1 })
    const changed = await app.inject({
      method: 'PATCH',
      url: `/products/${product.id}`,
      headers: await as(admin),
      payload: { priceCents: 2499 },
    })
    expect(changed.json()).toMatchObject({ priceCents: 2499, name: 'Product LAMP-1', version: 2 })
    const events = await sql`select type, envelope from seams_outbox where subject = ${product.id} order by id`
    expect(events.map((row) => row['type'])).toEqual(['catalog.ProductAdded', 'catalog.ProductChanged'])
    expect((events[1]!['envelope'] as { aggregateversion: number }).aggregateversion).toBe(2)
  })

  it('keeps product management to admins', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/products',
      headers: await as(customer),
      payload: { sku: 'X-1', name: 'x', priceCents: 1, currency: 'EUR' },
    })
    expect(response.statusCode).toBe(403)
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/products',
          headers: await as(),
          payload: { sku: 'X-1', name: 'x', priceCents: 1, currency: 'EUR' },
        })
      ).statusCode,
    ).toBe(401)
  })

  it('answers 409 to a duplicate SKU and 404 to an unknown product', async () => {
    await addProduct('DUP-1', 1)
    const duplicate = await app.inject({
      method: 'POST',
      url: '/products',
      headers: await as(admin),
      payload: { sku: 'DUP-1', name: 'x', priceCents: 1, currency: 'EUR' },
    })
    expect(duplicate.statusCode).toBe(409)
    expect(duplicate.json()).toMatchObject({ code: 'CATALOG_DUPLICATE_SKU', status: 409 })
    expect((await app.inject({ method: 'GET', url: `/products/${newId()}`, headers: await as() })).statusCode).toBe(404)
  })

  it('pages through products by cursor without repeating or skipping', async () => {
    for (let index = 0; index < 7; index += 1) await addProduct(`PAGE-${index}`, 1)
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const query: string = cursor === null ? '?limit=3' : `?limit=3&after=${cursor}`
      const page = (await app.inject({ method: 'GET', url: `/products${query}`, headers: await as() })).json() as {
        items: Product[]
        nextCursor: string | null
      }
      seen.push(...page.items.map((item) => item.sku))
      cursor = page.nextCursor
    } while (cursor !== null)
    expect(seen.filter((sku) => sku.startsWith('PAGE-'))).toEqual([0, 1, 2, 3, 4, 5, 6].map((index) => `PAGE-${index}`))
    expect(new Set(seen).size).toBe(seen.length)
  })

  it('never oversells under concurrent reservations', async () => {
    const product = await addProduct('SCARCE-1', 10)
    const attempts = await Promise.all(
      Array.from({ length: 30 }, async () =>
        app.inject({
          method: 'POST',
          url: '/reservations',
          headers: await asOrders(),
          payload: { reservationId: newId(), items: [{ productId: product.id, quantity: 1 }] },
        }),
      ),
    )
    expect(attempts.filter((response) => response.statusCode === 201)).toHaveLength(10)
    expect(
      attempts
        .filter((response) => response.statusCode === 409)
        .every((response) => response.json().code === 'CATALOG_OUT_OF_STOCK'),
    ).toBe(true)
    const after = (
      await app.inject({ method: 'GET', url: `/products/${product.id}`, headers: await as() })
    ).json() as Product
    expect(after.stockOnHand).toBe(0)
  })

  it('reports a refused reservation as rejected, not released, and releasing it returns no stock', async () => {
    const product = await addProduct('REFUSED-1', 1)
    const reservationId = newId()
    const refused = await app.inject({
      method: 'POST',
      url: '/reservations',
      headers: await asOrders(),
      payload: { reservationId, items: [{ productId: product.id, quantity: 2 }] },
    })
    expect(refused.statusCode).toBe(409)
    const stored = await app.inject({ method: 'GET', url: `/reservations/${reservationId}`, headers: await asOrders() })
    expect(stored.json()).toMatchObject({ reservationId, status: 'rejected', items: [] })
    const released = await app.inject({
      method: 'POST',
      url: `/reservations/${reservationId}/release`,
      headers: await asOrders(),
    })
    expect(released.json()).toMatchObject({ status: 'rejected' })
    const stock = (
      await app.inject({ method: 'GET', url: `/products/${product.id}`, headers: await as() })
    ).json() as Product
    expect(stock.stockOnHand).toBe(1)
  })

  it('treats a repeated reservation id as a retry, and refuses it with other items', async () => {
    const product = await addProduct('RETRY-1', 5)
    const reservationId = newId()
    const body = { reservationId, items: [{ productId: product.id, quantity: 2 }] }
    const first = await app.inject({ method: 'POST', url: '/reservations', headers: await asOrders(), payload: body })
    const again = await app.inject({ method: 'POST', url: '/reservations', headers: await asOrders(), payload: body })
    expect(first.statusCode).toBe(201)
    expect(again.statusCode).toBe(200)
    expect(again.json()).toEqual(first.json())
    const other = await app.inject({
      method: 'POST',
      url: '/reservations',
      headers: await asOrders(),
      payload: { reservationId, items: [{ productId: product.id, quantity: 3 }] },
    })
    expect(other.statusCode).toBe(422)
    const stock = (
      await app.inject({ method: 'GET', url: `/products/${product.id}`, headers: await as() })
    ).json() as Product
    expect(stock.stockOnHand).toBe(3)

    const released = await app.inject({
      method: 'POST',
      url: `/reservations/${reservationId}/release`,
      headers: await asOrders(),
    })
    const releasedAgain = await app.inject({
      method: 'POST',
      url: `/reservations/${reservationId}/release`,
      headers: await asOrders(),
    })
    expect(released.json()).toMatchObject({ status: 'released' })
    expect(releasedAgain.json()).toEqual(released.json())
    const restocked = (
      await app.inject({ method: 'GET', url: `/products/${product.id}`, headers: await as() })
    ).json() as Product
    expect(restocked.stockOnHand).toBe(5)
  })

  it('tells its typed client why a reservation was refused', async () => {
    const product = await addProduct('CLIENT-1', 1)
    await app.listen({ port: 0, host: '127.0.0.1' })
    const http = createHttpClient({
      name: 'catalog',
      baseUrl: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
      tokens: identities.authOf('orders'),
    })
    try {
      const client = createCatalogClient(http)
      const reservationId = newId()
      const items = [{ productId: product.id, quantity: 1 }]
      expect(await client.reserveStock({ reservationId, items })).toMatchObject({ ok: true })
      expect(await client.reserveStock({ reservationId, items: [{ ...items[0]!, quantity: 2 }] })).toEqual({
        ok: false,
        reason: 'RESERVATION_MISMATCH',
      })
      expect(await client.reserveStock({ reservationId: newId(), items })).toEqual({
        ok: false,
        reason: 'OUT_OF_STOCK',
        productId: product.id,
      })
      const unknown = newId()
      expect(
        await client.reserveStock({ reservationId: newId(), items: [{ productId: unknown, quantity: 1 }] }),
      ).toEqual({ ok: false, reason: 'UNKNOWN_PRODUCT', productId: unknown })
    } finally {
      await http.close()
    }
  })

  it('lets only the configured services reserve stock', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/reservations',
      headers: await as(admin),
      payload: { reservationId: newId(), items: [{ productId: newId(), quantity: 1 }] },
    })
    expect(response.statusCode).toBe(403)
  })

  it('rejects bad input with 400 naming the field, writing nothing', async () => {
    const product = await addProduct('BAD-1', 3)
    const cases: {
      method: 'POST' | 'PATCH' | 'GET'
      url: string
      payload?: unknown
      field: string
      headers: () => Promise<Record<string, string>>
    }[] = [
      {
        method: 'POST',
        url: '/products',
        payload: { name: 'x', priceCents: 1, currency: 'EUR' },
        field: 'body.sku',
        headers: () => as(admin),
      },
      {
        method: 'POST',
        url: '/products',
        payload: { sku: 'OK-1', name: 'x', priceCents: -1, currency: 'EUR' },
        field: 'body.priceCents',
        headers: () => as(admin),
      },
      {
        method: 'POST',
        url: '/products',
        payload: { sku: 'OK-1', name: 'x', priceCents: 1.5, currency: 'EUR' },
        field: 'body.priceCents',
        headers: () => as(admin),
      },
      {
        method: 'POST',
        url: '/products',
        payload: { sku: 'OK-1', name: 'x', priceCents: 1, currency: 'euro' },
        field: 'body.currency',
        headers: () => as(admin),
      },
      {
        method: 'POST',
        url: '/products',
        payload: { sku: 'OK-1', name: '', priceCents: 1, currency: 'EUR' },
        field: 'body.name',
        headers: () => as(admin),
      },
      {
        method: 'POST',
        url: '/products',
        payload: { sku: 'OK-1', name: 'x', priceCents: 1, currency: 'EUR', version: 9 },
        field: 'body.version',
        headers: () => as(admin),
      },
      {
        method: 'PATCH',
        url: `/products/${product.id}`,
        payload: { priceCents: 'free' },
        field: 'body.priceCents',
        headers: () => as(admin),
      },
      {
        method: 'PATCH',
        url: `/products/${product.id}`,
        payload: { stockOnHand: 100 },
        field: 'body.stockOnHand',
        headers: () => as(admin),
      },
      {
        method: 'PATCH',
        url: '/products/not-a-uuid',
        payload: { name: 'y' },
        field: 'params.id',
        headers: () => as(admin),
      },
      {
        method: 'POST',
        url: `/products/${product.id}/stock-adjustments`,
        payload: { delta: 0, reason: 'x' },
        field: 'body.delta',
        headers: () => as(admin),
      },
      {
        method: 'POST',
        url: `/products/${product.id}/stock-adjustments`,
        payload: { delta: 1 },
        field: 'body.reason',
        headers: () => as(admin),
      },
      { method: 'GET', url: '/products?limit=0', field: 'querystring.limit', headers: () => as() },
      { method: 'GET', url: '/products?after=%%%', field: 'querystring.after', headers: () => as() },
      {
        method: 'POST',
        url: '/reservations',
        payload: { reservationId: 'nope', items: [{ productId: product.id, quantity: 1 }] },
        field: 'body.reservationId',
        headers: asOrders,
      },
      {
        method: 'POST',
        url: '/reservations',
        payload: { reservationId: newId(), items: [] },
        field: 'body.items',
        headers: asOrders,
      },
      {
        method: 'POST',
        url: '/reservations',
        payload: { reservationId: newId(), items: [{ productId: product.id, quantity: 0 }] },
        field: 'body.items.0.quantity',
        headers: asOrders,
      },
    ]
    const tables = ['products', 'stock_reservations', 'stock_adjustments', 'seams_outbox']
    const before = await Promise.all(tables.map(count))
    for (const bad of cases) {
      const response = await app.inject({
        method: bad.method,
        url: bad.url,
        payload: bad.payload as object,
        headers: await bad.headers(),
      })
      expect(response.statusCode, `${bad.method} ${bad.url} ${JSON.stringify(bad.payload)}`).toBe(400)
      expect(response.headers['content-type']).toContain('application/problem+json')
      expect(response.json().detail, JSON.stringify(bad.payload)).toContain(bad.field)
    }
    expect(await Promise.all(tables.map(count))).toEqual(before)
    const unchanged = (
      await app.inject({ method: 'GET', url: `/products/${product.id}`, headers: await as() })
    ).json() as Product
    expect(unchanged).toEqual(product)
  })

  it('answers 413 to an oversized body', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/products',
      headers: { ...(await as(admin)), 'content-type': 'application/json' },
      payload: JSON.stringify({
        sku: 'BIG',
        name: 'x',
        priceCents: 1,
        currency: 'EUR',
        description: 'x'.repeat(2_000_000),
      }),
    })
    expect(response.statusCode).toBe(413)
  })

  it('serves its OpenAPI document and health without a token', async () => {
    const openapi = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, unknown>
    }
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/products', '/products/{id}', '/reservations']))
    expect((await app.inject({ method: 'GET', url: '/health/ready' })).json()).toMatchObject({ status: 'ready' })
  })
})
