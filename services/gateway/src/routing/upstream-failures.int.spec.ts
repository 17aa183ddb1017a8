import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from '@seams/testing'
import { timed } from '../testing/timed.ts'
import { shopClient, type ShopClient } from '../testing/shop-client.ts'
import { startShopUnderTest, type ShopUnderTest } from '../testing/shop-under-test.ts'

// Generous bounds: these check behaviour (fail fast, stay up), not speed, on a shared 2-core machine.
const fastFailureMs = 2000
const timeoutMs = 1000

describe('gateway with a service down', () => {
  let shop: ShopUnderTest
  let client: ShopClient
  let customerToken: string

  beforeAll(async () => {
    shop = await startShopUnderTest({
      services: ['users', 'catalog', 'payments'],
      gateway: { UPSTREAM_TIMEOUT_MS: String(timeoutMs) },
    })
    client = shopClient(shop.gatewayUrl)
    customerToken = (await client.signUp()).token
  })

  afterAll(async () => {
    await shop?.stop()
  })

  const readiness = async () => {
    const operator = `Bearer ${await shop.identity('operator').tokenFor('gateway')}`
    const response = await fetch(`${shop.gatewayUrl}/health/ready`, { headers: { authorization: operator } })
    const { checks } = (await response.json()) as { checks: Record<string, { ok: boolean; detail: unknown }> }
    return { status: response.status, checks }
  }

  // A query string of its own each time (a valid cursor past a random SKU): the gateway caches list pages
  // and would serve a cached one while the catalog is down, which is not what these tests are about.
  const uncachedProducts = () =>
    `/api/products?after=${Buffer.from(randomBytes(4).toString('hex')).toString('base64url')}`
  const productsServed = async () => (await client.send('GET', uncachedProducts())).status === 200

  async function expectCatalogUnavailable(withinMs: number): Promise<void> {
    const { result: response, ms } = await timed(() => client.send('GET', uncachedProducts()))
    expect(response.status).toBe(503)
    expect(response.headers.get('content-type')).toContain('application/problem+json')
    const problem = (await response.json()) as Record<string, unknown>
    expect(problem).toMatchObject({ code: 'GATEWAY_SERVICE_UNAVAILABLE', service: 'catalog' })
    // Which service is down is the client's business; where it runs is not.
    expect(JSON.stringify(problem)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/)
    expect(ms).toBeLessThan(withinMs)
  }

  it('answers 503 at once while the catalog is stopped, keeps the rest serving, and recovers', async () => {
    expect(await productsServed()).toBe(true)
    await shop.shop.stop('catalog')

    for (let attempt = 0; attempt < 4; attempt += 1) await expectCatalogUnavailable(fastFailureMs)
    const me = await client.send('GET', '/api/users/me', { token: customerToken })
    expect(me.status).toBe(200)
    const notReady = await readiness()
    expect(notReady.status).toBe(503)
    expect(notReady.checks['catalog']?.ok).toBe(false)
    expect(notReady.checks['users']?.ok).toBe(true)
    // Four failed requests (each retried) opened the breaker; the readiness detail shows it.
    expect(notReady.checks['catalog']?.detail).toMatchObject({ circuit: 'open' })

    await shop.shop.start('catalog')
    await eventually('the catalog route recovering', productsServed)
    expect((await readiness()).checks['catalog']?.ok).toBe(true)
  })

  it('answers 503 within its timeout while the catalog hangs, then recovers', async () => {
    const catalog = shop.shop.process('catalog')!
    // SIGSTOP: the process keeps its sockets but never answers, like a service stuck in a long pause.
    process.kill(catalog.pid, 'SIGSTOP')
    try {
      await expectCatalogUnavailable(timeoutMs + fastFailureMs)
      const me = await client.send('GET', '/api/users/me', { token: customerToken })
      expect(me.status).toBe(200)
    } finally {
      process.kill(catalog.pid, 'SIGCONT')
    }
    await eventually('the catalog route recovering', productsServed)
  })
})
