import { newId, systemClock } from '@seams/core'
import { createEventing } from '@seams/eventing'
import { createHttpClient } from '@seams/http-client'
import { createSagaRunner } from '@seams/saga'
import {
  createAccessTokenVerifier,
  createDatabase,
  createLogger,
  createMetricsRegistry,
  createServiceAuth,
  generateServiceKeyPair,
  remoteSigningKeys,
  type ServiceApp,
} from '@seams/service-kit'
import { createMemoryCache } from '@seams/cache'
import { createCatalogClient } from '@shop/catalog-contracts'
import { catalogEvents } from '@shop/catalog-contracts'
import { ordersEvents } from '@shop/orders-contracts'
import { createPaymentsClient, paymentsEvents } from '@shop/payments-contracts'
import { usersEvents } from '@shop/users-contracts'
import { buildApp as buildCatalog } from '../../services/catalog/src/app.ts'
import type { OpenApiDocument } from '../../services/gateway/src/api-docs/public-api.ts'
import { buildApp as buildGateway } from '../../services/gateway/src/app.ts'
import { createProductCache } from '../../services/gateway/src/product-cache/product-cache.ts'
import { createUpstreams } from '../../services/gateway/src/routing/upstreams.ts'
import { upstreamNames, type UpstreamName } from '../../services/gateway/src/routing/route-table.ts'
import { buildApp as buildOrderHistory } from '../../services/order-history/src/app.ts'
import { buildApp as buildOrders } from '../../services/orders/src/app.ts'
import { cancellationSaga } from '../../services/orders/src/cancellation-saga/cancellation-saga.ts'
import { checkoutSaga } from '../../services/orders/src/checkout-saga/checkout-saga.ts'
import { buildApp as buildPayments } from '../../services/payments/src/app.ts'
import { createSimulatedProvider } from '../../services/payments/src/payment-provider/simulated-provider.ts'
import { createAccessTokens } from '../../services/users/src/access-tokens/access-tokens.ts'
import { generateSigningKey, toSigningKeys } from '../../services/users/src/access-tokens/signing-keys.ts'
import { buildApp as buildUsers } from '../../services/users/src/app.ts'
import { createPasswordHasher } from '../../services/users/src/passwords/password-hasher.ts'

export const serviceNames = ['users', 'catalog', 'orders', 'payments', 'order-history', 'gateway'] as const
export type ServiceName = (typeof serviceNames)[number]

// Every app is wired as its main.ts wires it, with real components, but nothing is started and nothing is
// asked: postgres.js connects at its first query, the HTTP clients at their first call, and no request is
// ever served. The database URL names a port nothing listens on, so a stray query fails instead of
// touching a real database.
const unreachableDatabase = 'postgres://openapi@127.0.0.1:9/none'
const unreachableService = 'http://127.0.0.1:9'

function common(service: string) {
  const keys = generateServiceKeyPair()
  return {
    sql: createDatabase(unreachableDatabase, { applicationName: `${service}-openapi`, max: 1 }),
    auth: createServiceAuth({ service, privateKey: keys.privateKey, peers: {} }),
    logger: createLogger({ service, level: 'silent' }),
    metrics: createMetricsRegistry(service),
    newId,
    now: systemClock,
  }
}

function eventingOf(
  deps: ReturnType<typeof common>,
  service: string,
  publishes: Parameters<typeof createEventing>[0]['publishes'],
) {
  return createEventing({ sql: deps.sql, service, publishes, transport: 'http-feed', logger: deps.logger })
}

const builders: Record<ServiceName, () => Promise<ServiceApp>> = {
  async users() {
    const deps = common('users')
    const signingKeys = await toSigningKeys([await generateSigningKey(1)])
    return buildUsers({
      ...deps,
      eventing: eventingOf(deps, 'users', usersEvents),
      passwords: createPasswordHasher(),
      signingKeys,
      accessTokens: createAccessTokens(
        { signingKeys, now: systemClock, newId },
        { issuer: 'users', audience: 'shop', ttlSeconds: 900 },
      ),
    })
  },
  async catalog() {
    const deps = common('catalog')
    return buildCatalog({ ...deps, eventing: eventingOf(deps, 'catalog', catalogEvents), reservationCallers: [] })
  },
  async orders() {
    const deps = common('orders')
    const eventing = eventingOf(deps, 'orders', ordersEvents)
    const client = (name: string) => createHttpClient({ name, baseUrl: unreachableService, tokens: deps.auth })
    const sagaDeps = {
      outbox: eventing.outbox,
      catalog: createCatalogClient(client('catalog')),
      payments: createPaymentsClient(client('payments')),
      newId,
      now: systemClock,
    }
    const checkout = checkoutSaga(sagaDeps)
    const cancellation = cancellationSaga(sagaDeps)
    const sagas = createSagaRunner({ sql: deps.sql, sagas: [checkout, cancellation] })
    return buildOrders({ ...deps, eventing, sagas, checkout, cancellation, operators: [] })
  },
  async payments() {
    const deps = common('payments')
    const simulator = createSimulatedProvider({
      settings: { latencyMs: 0, jitterMs: 0, declineRate: 0, errorRate: 0, hangRate: 0 },
    })
    return buildPayments({
      ...deps,
      eventing: eventingOf(deps, 'payments', paymentsEvents),
      provider: simulator,
      simulator,
      providerTimeoutMs: 2000,
      paymentCallers: [],
    })
  },
  async 'order-history'() {
    const deps = common('order-history')
    return buildOrderHistory({ ...deps, eventing: eventingOf(deps, 'order-history', []), operators: [] })
  },
  async gateway() {
    const deps = common('gateway')
    const urls = Object.fromEntries(upstreamNames.map((name) => [name, unreachableService])) as Record<
      UpstreamName,
      string
    >
    return buildGateway({
      ...deps,
      upstreams: createUpstreams(urls, { tokens: deps.auth, metrics: deps.metrics, timeoutMs: 1000 }),
      accessTokens: createAccessTokenVerifier(
        remoteSigningKeys(`${unreachableService}/.well-known/jwks.json`, { timeoutMs: 1000 }),
        { issuer: 'users', audience: 'shop', userOf: () => undefined },
      ),
      deactivations: {
        allows: () => Promise.reject(new Error('a document-only gateway serves no requests')),
        stop: async () => {},
      },
      rateLimit: { userMax: 1, anonymousMax: 1, windowMs: 1000, namespace: 'openapi' },
      admission: { maxInFlight: 1, retryAfterSeconds: 1 },
      bodyLimitBytes: 1024,
      upstreamTimeoutMs: 1000,
      products: createProductCache({ cache: createMemoryCache(), ttlMs: 1000, listTtlMs: 1000 }),
      compositionPartTimeoutMs: 1000,
      operators: [],
      limits: {},
    })
  },
}

/** The OpenAPI document a service serves at /openapi.json, rendered without listening or connecting. */
export async function serviceDocument(name: ServiceName): Promise<OpenApiDocument> {
  const app = await builders[name]()
  try {
    await app.ready()
    return app.swagger() as unknown as OpenApiDocument
  } finally {
    await app.close()
  }
}
