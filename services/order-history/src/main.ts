import { createEventing } from '@seams/eventing'
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
import { buildApp } from './app.ts'
import { OrderHistoryConfig } from './config.ts'
import { orderHistory } from './order-history/order-history-projection.ts'
import { historyCustomers } from './replicas/history-customers.ts'
import { historyProducts } from './replicas/history-products.ts'

const config = loadConfig(OrderHistoryConfig, process.env)
const logger = createLogger({ service: 'order-history', level: config.LOG_LEVEL })

await runService({
  logger,
  async start() {
    const metrics = createMetricsRegistry('order-history')
    const sql = createDatabase(config.DATABASE_URL, {
      applicationName: 'order-history',
      max: config.DATABASE_POOL_SIZE,
      metrics,
    })
    const auth = serviceAuthFromConfig('order-history', config)
    // A pure consumer: it publishes nothing and reads the four producers' feeds.
    const eventing = createEventing({
      sql,
      databaseUrl: config.DATABASE_URL,
      service: 'order-history',
      publishes: [],
      transport: config.EVENT_TRANSPORT,
      natsUrl: config.NATS_URL,
      natsNamespace: config.NATS_NAMESPACE,
      natsCredentials: { user: config.NATS_USER, password: config.NATS_PASSWORD, credsFile: config.NATS_CREDS },
      feeds: {
        orders: config.ORDERS_URL,
        payments: config.PAYMENTS_URL,
        users: config.USERS_URL,
        catalog: config.CATALOG_URL,
      },
      tokens: auth,
      feedReaders: namesOf(config.EVENT_READERS),
      logger,
      metrics,
    })
    eventing.project(historyCustomers)
    eventing.project(historyProducts)
    eventing.project(orderHistory)
    // Only the inbox's tables are migrations; the read models' tables are made by the projector.
    await runMigrations(sql, { sources: [...eventing.migrations], log: (message) => logger.info(message) })
    await eventing.prepare()
    const app = await buildApp({ sql, eventing, auth, logger, metrics, operators: namesOf(config.OPERATORS) })
    await app.listen({ port: config.PORT, host: config.HOST })
    eventing.start()
    return {
      async stop() {
        await app.close()
        await eventing.stop()
        await sql.end({ timeout: 5 })
      },
    }
  },
})
