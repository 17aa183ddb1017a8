import { serviceNames, startTestShop, type ShopOptions, type TestShop, type Topology } from '@shop/launcher'
import { createConnectionPool, type ConnectionPool } from '../load/connections.ts'
import { runOpenLoop, warmUp, type LoadResult } from '../load/open-loop.ts'
import { adminToken, benchProducts, benchUsers } from '../load/setup.ts'
import type { VirtualUser } from '../load/workload.ts'
import type { ExperimentContext } from './experiment.ts'

// What npm run bench gives a shop, so the figures are the benchmark's: limits that are the load's, not an
// attacker's, cheap password hashes for the setup, and the same pool for every process in both topologies.
const benchOverrides = Object.fromEntries(
  serviceNames.map((service) => [
    service,
    {
      LOG_LEVEL: 'warn',
      ...(service === 'gateway'
        ? { RATE_LIMIT_USER_MAX: '100000', RATE_LIMIT_ANONYMOUS_MAX: '10000000' }
        : { DATABASE_POOL_SIZE: '8' }),
      ...(service === 'users'
        ? { SCRYPT_COST: '1024', REGISTRATIONS_PER_MINUTE: '1000000', JWT_TTL_SECONDS: '14400' }
        : {}),
    },
  ]),
)

export interface BenchShop {
  test: TestShop
  connections: ConnectionPool
  users: VirtualUser[]
  productIds: string[]
}

/**
 * A whole shop of `topology` set up as the benchmark sets one up (bench/load/setup.ts): products, users logged
 * in, one kept connection per user, warmed up at `rate`; stopped and dropped after `work`.
 */
export async function withBenchShop<T>(
  context: ExperimentContext,
  topology: Topology,
  options: { users: number; rate: number; adminPgUrl?: string; serverOf?: ShopOptions['serverOf'] },
  work: (shop: BenchShop) => Promise<T>,
): Promise<T> {
  const test = await startTestShop(options.adminPgUrl ?? context.adminPgUrl, {
    topology,
    overrides: benchOverrides,
    serverOf: options.serverOf,
  })
  const connections = createConnectionPool(test.shop.urls.gateway, options.users, { pingPath: '/health/live' })
  try {
    const gateway = test.shop.urls.gateway
    const admin = await adminToken(gateway, test.shop.wiring.admin.email, test.secrets.adminPassword)
    const productIds = await benchProducts(gateway, admin, 50)
    const users = await benchUsers(gateway, options.users, () => {})
    await connections.connect()
    await warmUp({
      connections,
      users,
      productIds,
      meanIntervalMs: (options.users * 1000) / options.rate,
      maxMs: 10_000,
      seed: context.seed,
    })
    return await work({ test, connections, users, productIds })
  } finally {
    await connections.close()
    await test.close()
  }
}

/** The benchmark's endpoints, by the service that answers them (composition: the gateway over four). */
export const serviceOfEndpoint: Record<string, string> = {
  browse: 'catalog',
  productDetail: 'catalog',
  orderDetails: 'gateway (orders, payments, catalog)',
  orderHistory: 'order-history',
  placeOrder: 'orders',
  profileUpdate: 'users',
}

/** Failed requests of a run (`<endpoint> <status>` counts) by the service that answers the endpoint. */
export function failuresByService(errors: Readonly<Record<string, number>>): Record<string, number> {
  const byService: Record<string, number> = {}
  for (const [key, count] of Object.entries(errors)) {
    const service = serviceOfEndpoint[key.split(' ')[0]!] ?? key.split(' ')[0]!
    byService[service] = (byService[service] ?? 0) + count
  }
  return byService
}

/**
 * The benchmark's mix through the gateway for `durationMs`, with `action` started a third of the way in: what
 * the run answered, and the second the action started and ended at.
 */
export async function underLoad(
  context: ExperimentContext,
  topology: Topology,
  load: { users: number; rate: number; durationMs: number } & Pick<
    Parameters<typeof withBenchShop>[2],
    'adminPgUrl' | 'serverOf'
  >,
  action: (shop: BenchShop) => Promise<void>,
  onOrderAccepted?: (acceptedAt: number) => void,
): Promise<{ result: LoadResult; actionFrom: number; actionTo: number; startedAt: number }> {
  return withBenchShop(context, topology, load, async (shop) => {
    const started = performance.now()
    const actionFrom = Math.round(load.durationMs / 3000)
    let actionTo = actionFrom
    const acted = new Promise<void>((resolve, reject) =>
      setTimeout(() => {
        action(shop).then(() => {
          actionTo = Math.round((performance.now() - started) / 1000)
          resolve()
        }, reject)
      }, actionFrom * 1000),
    )
    const result = await runOpenLoop({
      connections: shop.connections,
      users: shop.users,
      productIds: shop.productIds,
      meanIntervalMs: (load.users * 1000) / load.rate,
      durationMs: load.durationMs,
      seed: context.seed,
      onOrderAccepted: (_orderId, acceptedAt) => onOrderAccepted?.(acceptedAt),
    })
    await acted
    return { result, actionFrom, actionTo, startedAt: Date.now() - (performance.now() - started) }
  })
}

/** p99 in ms of each service's endpoints over a run. */
export function p99ByService(result: LoadResult): Record<string, number> {
  const byService: Record<string, number> = {}
  for (const [endpoint, histogram] of Object.entries(result.byEndpoint)) {
    if (histogram.totalCount === 0) continue
    const service = serviceOfEndpoint[endpoint] ?? endpoint
    byService[service] = Math.max(byService[service] ?? 0, Math.round(histogram.getValueAtPercentile(99) / 1000))
  }
  return byService
}
