import type { RunningConsole } from '@shop/console'
import type { RunningShop } from './shop.ts'
import { feedReadersOf, serviceNames, synchronousCalls, type ServiceName } from './topology.ts'

/**
 * Starts the console next to a running shop: its topology, the supervisor's stop and start, and the
 * operator's key, so that the console acts on the services as `npm run seams` does.
 */
export async function startShopConsole(
  shop: RunningShop,
  options: {
    operatorKey: string
    port: number
    onLine?: (line: string, service: string) => void
    pollIntervalMs?: number
  },
): Promise<RunningConsole> {
  // Imported when needed: the console bundles its web app as it starts.
  const { startConsole } = await import('@shop/console')
  const exited = new Set<number>()
  const watched = new Set<number>()
  const databaseOf = (service: ServiceName) => {
    const url = (shop.databaseUrls as Partial<Record<ServiceName, string>>)[service]
    return url === undefined ? null : decodeURIComponent(new URL(url).pathname.slice(1))
  }
  const gatewayOverrides = shop.wiring.overrides?.gateway ?? {}
  return startConsole({
    topology: {
      transport: shop.wiring.transport,
      services: serviceNames.map((name) => ({ name, url: shop.urls[name], database: databaseOf(name) })),
      eventEdges: serviceNames.flatMap((from) => feedReadersOf(from).map((to) => ({ from, to }))),
      callEdges: synchronousCalls,
    },
    control: {
      stop: (service) => shop.stop(service as ServiceName),
      start: (service) => shop.start(service as ServiceName),
      isRunning(service) {
        const handle = shop.process(service as ServiceName)
        if (handle === undefined) return false
        if (!watched.has(handle.pid)) {
          watched.add(handle.pid)
          void handle.exited.then(() => exited.add(handle.pid))
        }
        return !exited.has(handle.pid)
      },
    },
    accessTokens: {
      jwksUrl: `${shop.urls.users}/.well-known/jwks.json`,
      issuer: gatewayOverrides['ACCESS_TOKEN_ISSUER'] ?? 'seams-users',
      audience: gatewayOverrides['ACCESS_TOKEN_AUDIENCE'] ?? 'seams-shop',
    },
    operatorKey: options.operatorKey,
    port: options.port,
    pollIntervalMs: options.pollIntervalMs,
    readModels: [['order-history', 'order_history']],
    onAction: (action) => options.onLine?.(JSON.stringify({ level: 30, msg: 'console action', ...action }), 'console'),
  })
}
