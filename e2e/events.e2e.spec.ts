import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { adminDatabaseUrl, eventually, natsServerAvailable, natsUrl, requireInfrastructure } from '@seams/testing'
import { loadDemoData, startTestShop, type TestShop } from '@shop/launcher'
import { streamNaming } from '@seams/transport-nats'
import { createOperationsClient } from '@shop/ops-cli'
import postgres, { type Sql } from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { gatewayClient } from './support/gateway-client.ts'

// What orders' product replica follows: names and prices, not stock.
const replicatedTypes = ['catalog.ProductAdded', 'catalog.ProductChanged']

/** Data shared by events, checked in the consumers' own databases: no event lost, none applied twice. */
/** `ownNats`: JetStream on a nats-server of the shop's own, each service under its own user and permissions. */
function eventSharing(transport: 'http-feed' | 'jetstream', { ownNats = false } = {}) {
  return async () => {
    const present =
      transport === 'http-feed' ||
      (ownNats
        ? (await natsServerAvailable()) ||
          (await requireInfrastructure('nats-server binary (NATS_SERVER_BIN)', 'nats://127.0.0.1:1'))
        : await requireInfrastructure('NATS', natsUrl()))
    let test: TestShop
    let api: ReturnType<typeof gatewayClient>
    let adminToken: string
    const databases: Record<string, Sql> = {}

    beforeAll(async () => {
      if (!present) return
      test = await startTestShop(adminDatabaseUrl(), { transport, natsUrl: ownNats ? undefined : natsUrl() })
      api = gatewayClient(test.shop.urls.gateway)
      await loadDemoData(test.shop.urls.gateway, {
        adminEmail: test.shop.wiring.admin.email,
        adminPassword: test.secrets.adminPassword,
        demoPassword: test.secrets.demoPassword,
      })
      adminToken = await api.login(test.shop.wiring.admin.email, test.secrets.adminPassword)
      for (const [service, url] of Object.entries(test.shop.databaseUrls))
        databases[service] = postgres(url, { max: 2, onnotice: () => {} })
    })

    afterAll(async () => {
      for (const sql of Object.values(databases)) await sql.end()
      await test?.close()
    })

    const catalogVersions = async () =>
      new Map(
        (await databases['catalog']!<{ id: string; version: number }[]>`select id, version from products`).map(
          (row) => [row.id, row.version],
        ),
      )
    // What the replica keeps of each product, as one text per product id.
    const catalogProducts = async () =>
      new Map(
        (
          await databases['catalog']!<{ id: string; kept: string }[]>`
            select id, concat_ws('|', sku, name, price_cents, currency) as kept from products`
        ).map((row) => [row.id, row.kept]),
      )
    const replicaProducts = async () =>
      new Map(
        (
          await databases['orders']!<{ id: string; kept: string }[]>`
            select id, concat_ws('|', sku, name, price_cents, currency) as kept from product_replica`
        ).map((row) => [row.id, row.kept]),
      )
    const replicaVersions = async () =>
      new Map(
        (await databases['orders']!<{ id: string; version: number }[]>`select id, version from product_replica`).map(
          (row) => [row.id, row.version],
        ),
      )

    it.skipIf(!present)('replicates users and products into orders and order-history', async () => {
      const email = `r-${randomBytes(4).toString('hex')}@example.com`
      const user = await api.register(email, 'Rita Plica', 'correct-horse-battery')
      const product = (await api.request('GET', '/api/products?limit=1', { token: adminToken })).body.items[0]
      expect(
        (
          await api.request('PATCH', `/api/products/${product.id}`, {
            token: adminToken,
            body: { name: 'Renamed Lamp' },
          })
        ).status,
      ).toBe(200)
      await eventually(
        'orders keeps the customer',
        async () => (await databases['orders']!`select 1 from customer_replica where id = ${user.id}`).length === 1,
      )
      await eventually(
        'order-history knows the customer',
        async () =>
          (
            await databases[
              'order-history'
            ]!`select 1 from history_customers where id = ${user.id} and name = 'Rita Plica'`
          ).length === 1,
      )
      await eventually(
        'the rename reaches orders',
        async () =>
          (await databases['orders']!`select 1 from product_replica where id = ${product.id} and name = 'Renamed Lamp'`)
            .length === 1,
      )
      await eventually(
        'the rename reaches order-history',
        async () =>
          (
            await databases[
              'order-history'
            ]!`select 1 from history_products where id = ${product.id} and name = 'Renamed Lamp'`
          ).length === 1,
      )
    })

    it.skipIf(!present)(
      'delivers every event exactly once while the producer and the consumer are SIGKILLed mid-stream',
      async () => {
        const products = (await api.request('GET', '/api/products?limit=20', { token: adminToken })).body.items as {
          id: string
        }[]
        let changes = 0
        const burst = (async () => {
          for (let round = 0; round < 15; round += 1) {
            await Promise.all(
              products.map(async (product) => {
                // A change of name: the replica follows names and prices (ProductChanged), not stock.
                const result = await api.request('PATCH', `/api/products/${product.id}`, {
                  token: adminToken,
                  body: { description: `round ${round}` },
                })
                if (result.status === 200) changes += 1
              }),
            )
          }
        })()
        await sleep(300)
        await test.shop.kill('orders')
        await sleep(300)
        await test.shop.kill('catalog')
        await test.shop.start('catalog')
        await test.shop.start('orders')
        await burst
        expect(changes).toBeGreaterThan(30)
        await eventually(
          "the replica holds the catalog's latest version of every product changed",
          async () => {
            const [source, replica] = await Promise.all([catalogVersions(), replicaVersions()])
            return products.every(({ id }) => replica.get(id) === source.get(id))
          },
          { timeoutMs: 60_000 },
        )
        const [{ published }] = (await databases[
          'catalog'
        ]!`select count(*)::int as published from seams_outbox where type = any(${replicatedTypes})`) as unknown as [
          { published: number },
        ]
        const [{ applied, distinct }] = (await databases['orders']!`
        select count(*)::int as applied, count(distinct event_id)::int as distinct
        from seams_inbox where consumer = 'orders.product_replica.catalog'`) as unknown as [
          { applied: number; distinct: number },
        ]
        expect(applied).toBe(published)
        expect(distinct).toBe(applied)
        expect((await databases['orders']!`select 1 from seams_dead_letters`).length).toBe(0)
      },
    )

    it.skipIf(!present)('rebuilds a read model from the beginning while reads go on', async () => {
      const operations = createOperationsClient({
        url: test.shop.urls.orders,
        operatorKey: test.secrets.serviceKeys['operator']!.privateKey,
        service: 'orders',
      })
      const customer = await api.register(
        `b-${randomBytes(4).toString('hex')}@example.com`,
        'Reed On',
        'correct-horse-battery',
      )
      let product: { id: string } | undefined
      await eventually("the catalog answers again after the previous test's restarts", async () => {
        const page = await api.request('GET', '/api/products?limit=1')
        product = page.status === 200 ? page.body.items[0] : undefined
        return product !== undefined
      })
      const key = `rb-${randomBytes(6).toString('hex')}`
      const place = () =>
        api.request('POST', '/api/orders', {
          token: customer.token,
          body: { items: [{ productId: product!.id, quantity: 1 }] },
          headers: { 'idempotency-key': key },
        })
      // The previous test restarted services: retry (the key makes
      // it safe) until the gateway's breaker lets it through.
      await eventually('the order is accepted', async () => (await place()).status === 202)
      const placed = await place()
      let reads = 0
      let failedReads = 0
      let rebuilding = true
      const reader = (async () => {
        while (rebuilding) {
          const order = await api.request('GET', `/api/orders/${placed.body.orderId}`, { token: customer.token })
          reads += 1
          if (order.status !== 200 || order.body?.items?.[0]?.productName == null) failedReads += 1
          await sleep(25) // within the gateway's per-user rate limit
        }
      })()
      await operations.rebuild('product_replica', () => {})
      rebuilding = false
      await reader
      expect(reads).toBeGreaterThan(0)
      expect(failedReads).toBe(0)
      await eventually('the rebuilt replica matches the catalog', async () => {
        const [source, replica] = await Promise.all([catalogProducts(), replicaProducts()])
        return source.size === replica.size && [...source].every(([id, product]) => replica.get(id) === product)
      })
    })

    if (transport === 'jetstream' && !ownNats) {
      it.skipIf(!present)(
        "publishes each producer's events once to its stream, readable by an independent client",
        async () => {
          const nc = await connect({ servers: natsUrl() })
          try {
            const jsm = await jetstreamManager(nc)
            const [{ stamped }] = (await databases[
              'catalog'
            ]!`select count(*)::int as stamped from seams_outbox where position is not null`) as unknown as [
              { stamped: number },
            ]
            const info = await jsm.streams.info(streamNaming(test.shop.wiring.natsNamespace).stream('catalog'))
            expect(info.state.messages).toBe(stamped)
          } finally {
            await nc.close()
          }
        },
      )
    }
  }
}

describe('sharing data by events over HTTP feeds', eventSharing('http-feed'))
describe('sharing data by events over NATS JetStream', eventSharing('jetstream'))
describe(
  'sharing data by events over NATS JetStream, each service under its own NATS user',
  eventSharing('jetstream', { ownNats: true }),
)
