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
import { paymentsEvents } from '@shop/payments-contracts'
import manifest from '../package.json' with { type: 'json' }
import { buildApp } from './app.ts'
import { orderCancellation } from './order-cancellation/order-cancellation.ts'
import { PaymentsConfig } from './config.ts'
import { createSimulatedProvider } from './payment-provider/simulated-provider.ts'

const config = loadConfig(PaymentsConfig, process.env)
const logger = createLogger({ service: 'payments', level: config.LOG_LEVEL })

await runService({
  logger,
  async start() {
    const metrics = createMetricsRegistry('payments')
    const sql = createDatabase(config.DATABASE_URL, {
      applicationName: 'payments',
      max: config.DATABASE_POOL_SIZE,
      metrics,
    })
    const auth = serviceAuthFromConfig('payments', config)
    const eventing = createEventing({
      sql,
      databaseUrl: config.DATABASE_URL,
      service: 'payments',
      publishes: paymentsEvents,
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
        { component: 'payments', directory: fileURLToPath(new URL('../migrations', import.meta.url)) },
      ],
      log: (message) => logger.info(message),
    })
    const simulator = createSimulatedProvider({
      settings: {
        latencyMs: config.PROVIDER_LATENCY_MS,
        jitterMs: config.PROVIDER_JITTER_MS,
        declineRate: config.PROVIDER_DECLINE_RATE,
        errorRate: config.PROVIDER_ERROR_RATE,
        hangRate: config.PROVIDER_HANG_RATE,
      },
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
      provider: simulator,
      simulator,
      providerTimeoutMs: config.PROVIDER_TIMEOUT_MS,
      paymentCallers: namesOf(config.PAYMENT_CALLERS),
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
