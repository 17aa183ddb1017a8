import { fileURLToPath } from 'node:url'
import { newId, systemClock } from '@seams/core'
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
import { catalogEvents } from '@shop/catalog-contracts'
import manifest from '../package.json' with { type: 'json' }
import { buildApp } from './app.ts'
import { orderCancellation } from './order-cancellation/order-cancellation.ts'
import { CatalogConfig } from './config.ts'

const config = loadConfig(CatalogConfig, process.env)
const logger = createLogger({ service: 'catalog', level: config.LOG_LEVEL })

await runService({
  logger,
  async start() {
    const metrics = createMetricsRegistry('catalog')
    const sql = createDatabase(config.DATABASE_URL, {
      applicationName: 'catalog',
      max: config.DATABASE_POOL_SIZE,
      metrics,
    })
    const auth = serviceAuthFromConfig('catalog', config)
    const eventing = createEventing({
      sql,
      databaseUrl: config.DATABASE_URL,
      service: 'catalog',
      publishes: catalogEvents,
      transport: config.EVENT_TRANSPORT,
      natsUrl: config.NATS_URL,
      natsNamespace: config.NATS_NAMESPACE,
      natsCredentials: { user: config.NATS_USER, password: config.NATS_PASSWORD, credsFile: config.NATS_CREDS },
      consumes: manifest.seams.consumes,
      feeds: { orders: config.ORDERS_URL },
      tokens: auth,
      feedReaders: namesOf(config.EVENT_READERS),
      logger,
      metrics,
    })
    eventing.consume(orderCancellation({ outbox: eventing.outbox, newId, now: systemClock }))
    await runMigrations(sql, {
      sources: [
        ...eventing.migrations,
        { component: 'catalog', directory: fileURLToPath(new URL('../migrations', import.meta.url)) },
      ],
      log: (message) => logger.info(message),
    })
    const app = await buildApp({
      operators: namesOf(config.OPERATORS),
      sql,
      eventing,
      auth,
      logger,
      metrics,
      newId,
      now: systemClock,
      reservationCallers: namesOf(config.RESERVATION_CALLERS),
    })
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
