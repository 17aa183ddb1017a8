import { fileURLToPath } from 'node:url'

export type ServiceName = 'users' | 'catalog' | 'payments' | 'orders' | 'order-history' | 'gateway'

/** Services in start order: a service starts after those it calls synchronously. */
export const serviceNames: readonly ServiceName[] = ['users', 'catalog', 'payments', 'orders', 'order-history', 'gateway']

/** Services that own a database (the gateway holds no business data). */
export const databaseOwners: readonly Exclude<ServiceName, 'gateway'>[] = ['users', 'catalog', 'payments', 'orders', 'order-history']

export const entryOf = (service: ServiceName): string => fileURLToPath(new URL(`../../../services/${service}/src/main.ts`, import.meta.url))

/** Default ports: the gateway's, then one up per service in serviceNames order. */
export function defaultPorts(gatewayPort: number): Record<ServiceName, number> {
  return { gateway: gatewayPort, users: gatewayPort + 1, catalog: gatewayPort + 2, orders: gatewayPort + 3, payments: gatewayPort + 4, 'order-history': gatewayPort + 5 }
}

/** A service's login on NATS, handed over in its environment (NATS_USER, NATS_PASSWORD), never on a command line. */
export interface NatsLogin {
  user: string
  password: string
}

export interface ShopWiring {
  ports: Record<ServiceName, number>
  databaseUrls: Record<Exclude<ServiceName, 'gateway'>, string>
  serviceSecret: string
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
}

/**
 * The environment each service process gets: its own database URL and port, the shared service
 * secret, and the base URLs of the services it talks to. Nothing else crosses between services.
 */
export function environmentOf(service: ServiceName, wiring: ShopWiring): Record<string, string> {
  const url = (name: ServiceName) => `http://127.0.0.1:${wiring.ports[name]}`
  const common: Record<string, string> = {
    PORT: String(wiring.ports[service]),
    SERVICE_SECRET: wiring.serviceSecret,
    EVENT_TRANSPORT: wiring.transport,
    NATS_URL: wiring.natsUrl,
    NATS_NAMESPACE: wiring.natsNamespace ?? '',
    ...natsLoginEnvironment(wiring.natsLogins?.[service]),
    LOG_LEVEL: 'info',
  }
  if (service !== 'gateway') common['DATABASE_URL'] = wiring.databaseUrls[service]
  const own: Record<ServiceName, Record<string, string>> = {
    users: { BOOTSTRAP_ADMIN_EMAIL: wiring.admin.email, BOOTSTRAP_ADMIN_PASSWORD: wiring.admin.password },
    catalog: { ORDERS_URL: url('orders') },
    payments: { ORDERS_URL: url('orders') },
    orders: { USERS_URL: url('users'), CATALOG_URL: url('catalog'), PAYMENTS_URL: url('payments') },
    'order-history': { USERS_URL: url('users'), CATALOG_URL: url('catalog'), ORDERS_URL: url('orders'), PAYMENTS_URL: url('payments') },
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

const natsLoginEnvironment = (login: NatsLogin | undefined): Record<string, string> => (login === undefined ? {} : { NATS_USER: login.user, NATS_PASSWORD: login.password })
