import { randomBytes } from 'node:crypto'
import { eventually, redisUrl, requireInfrastructure } from '@seams/testing'
import type { Product, ProductPage } from '@shop/catalog-contracts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { shopActions, type ShopActions } from '../testing/shop-actions.ts'
import { shopClient, type ShopClient } from '../testing/shop-client.ts'
import { startShopUnderTest, type RunningGateway, type ShopUnderTest } from '../testing/shop-under-test.ts'

// TTLs far longer than any test: whatever turns fresh did so because the catalog's events said so.
const longTtl = String(10 * 60_000)
const cacheSettings = { PRODUCT_CACHE_TTL_MS: longTtl, PRODUCT_LIST_CACHE_TTL_MS: longTtl }
// "Promptly", generously for a shared 2-core machine, and still sixty times shorter than the TTL.
const invalidationWithinMs = 10_000

const redisUp = await requireInfrastructure('Redis', redisUrl())
/** Settings of a Redis-backed gateway whose keys are this run's own. */
const redisSettings = () => ({
  ...cacheSettings,
  REDIS_URL: redisUrl(),
  CACHE_NAMESPACE: `seams-test-${randomBytes(4).toString('hex')}:`,
})

interface Read<T> {
  cache: string | null
  body: T
}

async function read<T = Product>(gatewayUrl: string, target: string): Promise<Read<T>> {
  const response = await fetch(`${gatewayUrl}${target}`)
  expect(response.status, `GET ${target}`).toBe(200)
  return { cache: response.headers.get('x-cache'), body: (await response.json()) as T }
}

/** One sample of a metric whose labels include `labels`, from Prometheus text. */
function sample(metrics: string, name: string, labels: string[]): number | undefined {
  const line = metrics
    .split('\n')
    .find((candidate) => candidate.startsWith(`${name}{`) && labels.every((label) => candidate.includes(label)))
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1))
}

describe('product cache at the gateway', () => {
  let shop: ShopUnderTest
  let client: ShopClient
  let actions: ShopActions
  let adminToken: string

  beforeAll(async () => {
    shop = await startShopUnderTest({ services: ['users', 'catalog', 'payments', 'orders'], gateway: cacheSettings })
    client = shopClient(shop.gatewayUrl)
    adminToken = (await client.logIn(shop.shop.wiring.admin.email, shop.secrets.adminPassword)).accessToken
    actions = shopActions(client, adminToken)
  })

  afterAll(async () => {
    await shop?.stop()
  })

  async function change(id: string, fields: { name?: string; priceCents?: number }): Promise<void> {
    const response = await client.send('PATCH', `/api/products/${id}`, { token: adminToken, body: fields })
    expect(response.status, await response.clone().text()).toBe(200)
  }

  /** Reads through `gatewayUrl` until `fresh` holds, within the bound; the read that showed it. */
  async function readUntil<T>(gatewayUrl: string, target: string, fresh: (body: T) => boolean): Promise<Read<T>> {
    let last: Read<T> | undefined
    await eventually(
      `GET ${target} showing the change`,
      async () => fresh((last = await read<T>(gatewayUrl, target)).body),
      { timeoutMs: invalidationWithinMs },
    )
    return last!
  }

  const idsOf = (page: ProductPage) => page.items.map((item) => item.id)

  // The gateway's metrics are for operators: read as one.
  const metricsOf = async (gatewayUrl: string) =>
    (
      await fetch(`${gatewayUrl}/metrics`, {
        headers: { authorization: `Bearer ${await shop.identity('operator').tokenFor('gateway')}` },
      })
    ).text()
  const invalidations = async (gatewayUrl: string) =>
    sample(await metricsOf(gatewayUrl), 'cache_invalidations_total', ['cache="products"']) ?? 0

  /**
   * Adds a product and waits until each gateway has applied its ProductAdded: that event drops the
   * product's key and the list pages too, and would otherwise turn a later hit into a miss.
   */
  async function addAnnounced(
    gatewayUrls: string[],
    fields?: Parameters<ShopActions['addProduct']>[0],
  ): Promise<Product> {
    const before = await Promise.all(gatewayUrls.map(invalidations))
    const product = await actions.addProduct(fields)
    await eventually('the gateways applying ProductAdded', async () =>
      (await Promise.all(gatewayUrls.map(invalidations))).every((count, index) => count > before[index]!),
    )
    return product
  }

  /** The same checks against whichever gateway `url` names, so memory and Redis must behave alike. */
  function cachesProducts(url: () => string): void {
    it('answers miss then hit, and the new name and price soon after the admin changes the product', async () => {
      const lamp = await addAnnounced([url()], { name: 'Desk lamp', priceCents: 2500 })
      const target = `/api/products/${lamp.id}`
      expect(await read(url(), target)).toMatchObject({ cache: 'miss', body: { name: 'Desk lamp' } })
      expect(await read(url(), target)).toMatchObject({ cache: 'hit', body: { name: 'Desk lamp', priceCents: 2500 } })

      await change(lamp.id, { name: 'Desk lamp II', priceCents: 2750 })
      const fresh = await readUntil<Product>(url(), target, (product) => product.name === 'Desk lamp II')
      expect(fresh).toMatchObject({ cache: 'miss', body: { priceCents: 2750 } })
      expect(await read(url(), target)).toMatchObject({ cache: 'hit', body: { name: 'Desk lamp II' } })
    })

    it('drops a product whose stock an order moved', async () => {
      const lamp = await addAnnounced([url()], { stockOnHand: 10 })
      const target = `/api/products/${lamp.id}`
      await read(url(), target)
      expect(await read(url(), target)).toMatchObject({ cache: 'hit', body: { stockOnHand: 10 } })

      const customer = await client.signUp()
      await actions.confirmed(
        customer.token,
        await actions.placeOrder(customer.token, [{ productId: lamp.id, quantity: 3 }]),
      )
      expect((await readUntil<Product>(url(), target, (product) => product.stockOnHand === 7)).cache).toBe('miss')
    })

    it('caches the list per query string and drops its pages when a product changes', async () => {
      const lamp = await addAnnounced([url()])
      await addAnnounced([url()])
      const first = await read<ProductPage>(url(), '/api/products?limit=1')
      const second = await read<ProductPage>(url(), '/api/products?limit=2')
      // Two query strings, two entries: neither is served the other's page.
      expect([first.cache, second.cache]).toEqual(['miss', 'miss'])
      expect([first.body.items.length, second.body.items.length]).toEqual([1, 2])
      expect(await read(url(), '/api/products?limit=1')).toMatchObject({ cache: 'hit', body: first.body })
      const all = await read<ProductPage>(url(), '/api/products?limit=100')
      expect(idsOf(all.body)).toContain(lamp.id)
      expect((await read(url(), '/api/products?limit=100')).cache).toBe('hit')

      await change(lamp.id, { name: 'Renamed lamp' })
      const page = await readUntil<ProductPage>(url(), '/api/products?limit=100', (body) =>
        body.items.some((item) => item.id === lamp.id && item.name === 'Renamed lamp'),
      )
      expect(page.cache).toBe('miss')
    })

    it('reports lookups and the hit ratio in /metrics', async () => {
      const lamp = await addAnnounced([url()])
      await read(url(), `/api/products/${lamp.id}`)
      await read(url(), `/api/products/${lamp.id}`)
      const metrics = await metricsOf(url())
      const products = 'cache="products"'
      expect(sample(metrics, 'cache_lookups_total', [products, 'result="hit"'])).toBeGreaterThanOrEqual(1)
      expect(sample(metrics, 'cache_lookups_total', [products, 'result="miss"'])).toBeGreaterThanOrEqual(1)
      const ratio = sample(metrics, 'cache_hit_ratio', [products])
      expect(ratio).toBeGreaterThan(0)
      expect(ratio).toBeLessThan(1)
    })
  }

  describe('in memory', () => {
    cachesProducts(() => shop.gatewayUrl)
  })

  describe.runIf(redisUp)('in Redis', () => {
    let gateway: RunningGateway
    beforeAll(async () => {
      gateway = await shop.startGateway(redisSettings())
    })
    cachesProducts(() => gateway.url)
  })

  describe.runIf(redisUp)('shared by replicas through Redis', () => {
    const settings = redisSettings()
    let replicas: RunningGateway[]
    beforeAll(async () => {
      replicas = [await shop.startGateway(settings), await shop.startGateway(settings)]
    })

    it('serves what one replica cached, product or page, from the other, and both drop it on a change', async () => {
      const [one, two] = replicas.map((replica) => replica.url) as [string, string]
      const lamp = await addAnnounced([one, two], { name: 'Shared lamp' })
      const target = `/api/products/${lamp.id}`
      expect((await read(one, target)).cache).toBe('miss')
      expect(await read(two, target)).toMatchObject({ cache: 'hit', body: { name: 'Shared lamp' } })
      // Both have applied the same changes, so they agree on the list pages' keys as well.
      expect((await read(one, '/api/products?limit=100')).cache).toBe('miss')
      expect((await read(two, '/api/products?limit=100')).cache).toBe('hit')

      await change(lamp.id, { name: 'Shared lamp II' })
      for (const replica of [one, two])
        await readUntil<Product>(replica, target, (product) => product.name === 'Shared lamp II')
    })

    it('keeps a replica started after a change from serving list pages cached before it', async () => {
      // A pair of its own: the first caches a page before any change has reached it.
      const pair = redisSettings()
      const early = (await shop.startGateway(pair)).url
      await read(early, '/api/products?limit=100')
      expect((await read(early, '/api/products?limit=100')).cache).toBe('hit')
      const lamp = await addAnnounced([early])
      await readUntil<ProductPage>(early, '/api/products?limit=100', (page) => idsOf(page).includes(lamp.id))

      const joined = await shop.startGateway(pair)
      expect(idsOf((await read<ProductPage>(joined.url, '/api/products?limit=100')).body)).toContain(lamp.id)
    })
  })
})
