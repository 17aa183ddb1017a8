import { fileURLToPath } from 'node:url'
import { newId, systemClock } from '@seams/core'
import { createEventing } from '@seams/eventing'
import { createHttpClient, UpstreamUnavailable } from '@seams/http-client'
import { createSagaRunner, sagaMigrations } from '@seams/saga'
import {
  createDatabase,
  createLogger,
  createMetricsRegistry,
  loadConfig,
  namesOf,
  runMigrations,
  runService,
  serviceAuthFromConfig,
} from '@seams/service-kit'
import { createCatalogClient } from '@shop/catalog-contracts'
import { ordersEvents } from '@shop/orders-contracts'
import { createPaymentsClient } from '@shop/payments-contracts'
import manifest from '../package.json' with { type: 'json' }
import { buildApp } from './app.ts'
import { cancellationSaga } from './cancellation-saga/cancellation-saga.ts'
import { checkoutSaga } from './checkout-saga/checkout-saga.ts'
import { OrdersConfig } from './config.ts'
import { customerDeactivation } from './customer-deactivation/customer-deactivation.ts'
import { customerReplica } from './replicas/customer-replica.ts'
import { productReplica } from './replicas/product-replica.ts'

const config = loadConfig(OrdersConfig, process.env)
const logger = createLogger({ service: 'orders', level: config.LOG_LEVEL })

await runService({
  logger,
  async start() {
    const metrics = createMetricsRegistry('orders')
    const sql = createDatabase(config.DATABASE_URL, {
      applicationName: 'orders',
      max: config.DATABASE_POOL_SIZE,
      metrics,
    })
    const auth = serviceAuthFromConfig('orders', config)
    const catalogHttp = createHttpClient({ name: 'catalog', baseUrl: config.CATALOG_URL, tokens: auth, metrics })
    const paymentsHttp = createHttpClient({ name: 'payments', baseUrl: config.PAYMENTS_URL, tokens: auth, metrics })
    const eventing = createEventing({
      sql,
      databaseUrl: config.DATABASE_URL,
      service: 'orders',
      publishes: ordersEvents,
      transport: config.EVENT_TRANSPORT,
      natsUrl: config.NATS_URL,
      natsNamespace: config.NATS_NAMESPACE,
      natsCredentials: { user: config.NATS_USER, password: config.NATS_PASSWORD, credsFile: config.NATS_CREDS },
      consumes: manifest.seams.consumes,
      feeds: { users: config.USERS_URL, catalog: config.CATALOG_URL },
      tokens: auth,
      feedReaders: namesOf(config.EVENT_READERS),
      logger,
      metrics,
    })
    const deps = {
      outbox: eventing.outbox,
      catalog: createCatalogClient(catalogHttp),
      payments: createPaymentsClient(paymentsHttp),
      newId,
      now: systemClock,
    }
    const checkout = checkoutSaga(deps)
    const cancellation = cancellationSaga(deps)
    eventing.project(customerReplica)
    eventing.project(productReplica)
    eventing.consume(customerDeactivation(deps))
    await runMigrations(sql, {
      sources: [
        ...eventing.migrations,
        sagaMigrations,
        { component: 'orders', directory: fileURLToPath(new URL('../migrations', import.meta.url)) },
      ],
      log: (message) => logger.info(message),
    })
    await eventing.prepare()
    const sagas = createSagaRunner({
      sql,
      sagas: [checkout, cancellation],
      logger,
      metrics,
      stepTimeoutMs: config.SAGA_STEP_TIMEOUT_MS,
      sagaTimeoutMs: config.SAGA_TIMEOUT_MS,
      concurrency: config.SAGA_CONCURRENCY,
      isUndelivered: (error) => error instanceof UpstreamUnavailable && error.details?.['delivered'] === false,
    })
    const app = await buildApp({
      sql,
      eventing,
      sagas,
      checkout,
      cancellation,
      auth,
      logger,
      metrics,
      newId,
      now: systemClock,
      operators: namesOf(config.OPERATORS),
    })
    await app.listen({ port: config.PORT, host: config.HOST })
    eventing.start()
    sagas.start()
    return {
      async stop() {
        await app.close()
        await sagas.stop()
        await eventing.stop()
        await Promise.all([catalogHttp.close(), paymentsHttp.close()])
        await sql.end({ timeout: 5 })
      },
    }
  },
})
