import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { ServiceKeyPair } from '@seams/service-kit'

/** `owned`: a database per service, the shop. `shared`: seed 002's one shared database (`variants/shared-database`). */
export type Topology = 'owned' | 'shared'

export type ServiceName = 'users' | 'catalog' | 'payments' | 'orders' | 'order-history' | 'gateway'

/** Services in start order: a service starts after those it calls synchronously. */
export const serviceNames: readonly ServiceName[] = [
  'users',
  'catalog',
  'payments',
  'orders',
  'order-history',
  'gateway',
]

/** Services that own a database (the gateway holds no business data). */
export const databaseOwners: readonly Exclude<ServiceName, 'gateway'>[] = [
  'users',
  'catalog',
  'payments',
  'orders',
  'order-history',
]

export const entryOf = (service: ServiceName): string =>
  fileURLToPath(new URL(`../../../services/${service}/src/main.ts`, import.meta.url))

/** Every identity of a shop, each with its own key: the services, and the operator behind `npm run seams`. */
export const identities: readonly string[] = [...serviceNames, 'operator']

/** Synchronous calls between services, by callee (the gateway calls every service for end users). */
const synchronousCallers: Partial<Record<ServiceName, ServiceName[]>> = { catalog: ['orders'], payments: ['orders'] }

/** Every synchronous call between services, as caller → callee: the gateway's to each service, and the others'. */
export const synchronousCalls: readonly { from: ServiceName; to: ServiceName }[] = [
  ...serviceNames.filter((service) => service !== 'gateway').map((to) => ({ from: 'gateway' as const, to })),
  ...Object.entries(synchronousCallers).flatMap(([to, callers]) =>
    callers.map((from) => ({ from, to: to as ServiceName })),
  ),
]

// What each service declares it consumes (package.json `seams.consumes`), the same list the contract registry reads.
const consumedBy = new Map<ServiceName, string[]>(
  serviceNames.map((service) => {
    const manifest = JSON.parse(
      readFileSync(fileURLToPath(new URL(`../../../services/${service}/package.json`, import.meta.url)), 'utf8'),
    ) as { seams?: { consumes?: string[] } }
    return [service, manifest.seams?.consumes ?? []]
  }),
)

/** The services that read `producer`'s events: exactly those that declare they consume some of them. */
export function feedReadersOf(producer: ServiceName): ServiceName[] {
  return serviceNames.filter(
    (service) => service !== producer && consumedBy.get(service)!.some((type) => type.startsWith(`${producer}.`)),
  )
}

/**
 * The identities whose calls `service` accepts: the edge, the operator, its synchronous callers, its feed's readers.
 */
export function callersOf(service: ServiceName): string[] {
  if (service === 'gateway') return ['operator']
  return [...new Set(['gateway', 'operator', ...(synchronousCallers[service] ?? []), ...feedReadersOf(service)])]
}

/** Default ports: the gateway's, then one up per service in serviceNames order. */
export function defaultPorts(gatewayPort: number): Record<ServiceName, number> {
  return {
    gateway: gatewayPort,
    users: gatewayPort + 1,
    catalog: gatewayPort + 2,
    orders: gatewayPort + 3,
    payments: gatewayPort + 4,
    'order-history': gatewayPort + 5,
  }
}

/** A service's login on NATS, handed over in its environment (NATS_USER, NATS_PASSWORD), never on a command line. */
export interface NatsLogin {
  user: string
  password: string
}

export interface ShopWiring {
  ports: Record<ServiceName, number>
  databaseUrls: Record<Exclude<ServiceName, 'gateway'>, string>
  serviceKeys: Record<string, ServiceKeyPair>
  transport: 'http-feed' | 'jetstream'
  natsUrl: string
  /** Keeps this shop's streams apart on a shared NATS server (tests, benchmarks). */
  natsNamespace?: string
  /** Each service's own NATS user; none (anonymous) when absent. */
  natsLogins?: Partial<Record<ServiceName, NatsLogin>>
  redisUrl?: string
  admin: { email: string; password: string }
  /** Extra variables per service, e.g. the payment simulator's knobs or a benchmark's rate limits. */
  overrides?: Partial<Record<ServiceName, Record<string, string>>>
  /** OpenTelemetry's `OTEL_*` variables, given to every service as they are (see `telemetryEnvironment`). */
  telemetry?: Record<string, string>
}

/**
 * The `OTEL_*` variables of `env` that every service gets: `OTEL_EXPORTER_OTLP_ENDPOINT` turns tracing on
 * in each, the others (protocol, headers, sampler, resource attributes) shape it. `OTEL_SERVICE_NAME` is
 * left out: each service names its own spans, and one name for all six would merge them.
 */
export function telemetryEnvironment(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] =>
        entry[0].startsWith('OTEL_') && entry[0] !== 'OTEL_SERVICE_NAME' && entry[1] !== undefined,
    ),
  )
}

/**
 * The environment each service process gets: its own database URL and port, its own private key and
 * the public keys of those allowed to call it, and the base URLs of the services it talks to. Nothing
 * else crosses between services.
 */
export function environmentOf(service: ServiceName, wiring: ShopWiring): Record<string, string> {
  const url = (name: ServiceName) => `http://127.0.0.1:${wiring.ports[name]}`
  const common: Record<string, string> = {
    PORT: String(wiring.ports[service]),
    SERVICE_PRIVATE_KEY: wiring.serviceKeys[service]!.privateKey,
    SERVICE_PUBLIC_KEYS: callersOf(service)
      .map((caller) => `${caller}=${wiring.serviceKeys[caller]!.publicKey}`)
      .join(','),
    EVENT_READERS: feedReadersOf(service).join(','),
    ACCESS_TOKEN_JWKS_URL: `${url('users')}/.well-known/jwks.json`,
    EVENT_TRANSPORT: wiring.transport,
    NATS_URL: wiring.natsUrl,
    NATS_NAMESPACE: wiring.natsNamespace ?? '',
    ...natsLoginEnvironment(wiring.natsLogins?.[service]),
    ...wiring.telemetry,
  }
  if (service !== 'gateway') common['DATABASE_URL'] = wiring.databaseUrls[service]
  const own: Record<ServiceName, Record<string, string>> = {
    users: { BOOTSTRAP_ADMIN_EMAIL: wiring.admin.email, BOOTSTRAP_ADMIN_PASSWORD: wiring.admin.password },
    catalog: { ORDERS_URL: url('orders') },
    payments: { ORDERS_URL: url('orders') },
    orders: { USERS_URL: url('users'), CATALOG_URL: url('catalog'), PAYMENTS_URL: url('payments') },
    'order-history': {
      USERS_URL: url('users'),
      CATALOG_URL: url('catalog'),
      ORDERS_URL: url('orders'),
      PAYMENTS_URL: url('payments'),
    },
    gateway: {
      USERS_URL: url('users'),
      CATALOG_URL: url('catalog'),
      ORDERS_URL: url('orders'),
      PAYMENTS_URL: url('payments'),
      ORDER_HISTORY_URL: url('order-history'),
      ...(wiring.redisUrl === undefined ? {} : { REDIS_URL: wiring.redisUrl }),
    },
  }
  return { ...common, ...own[service], ...wiring.overrides?.[service] }
}

const natsLoginEnvironment = (login: NatsLogin | undefined): Record<string, string> =>
  login === undefined ? {} : { NATS_USER: login.user, NATS_PASSWORD: login.password }

/**
 * What the gateway is told in the shared topology, under the operator's own settings: its upstreams serve
 * no event feeds, so it follows none, and its product cache lives on its TTL alone, kept short because no
 * event drops an entry that changed (seed 002's cache layer is optional; this one is a second long).
 */
export function sharedTopologyOverrides(overrides: ShopWiring['overrides']): ShopWiring['overrides'] {
  return {
    ...overrides,
    gateway: {
      FOLLOW_EVENTS: 'false',
      PRODUCT_CACHE_TTL_MS: '1000',
      PRODUCT_LIST_CACHE_TTL_MS: '1000',
      ...overrides?.gateway,
    },
  }
}
