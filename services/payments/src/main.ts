import { newId, systemClock } from '@seams/core'
import { bootstrapEventedService } from '@seams/eventing'
import { namesOf } from '@seams/service-kit'
import { paymentsEvents } from '@shop/payments-contracts'
import manifest from '../package.json' with { type: 'json' }
import { buildApp } from './app.ts'
import { orderCancellation } from './order-cancellation/order-cancellation.ts'
import { PaymentsConfig } from './config.ts'
import { createSimulatedProvider } from './payment-provider/simulated-provider.ts'

await bootstrapEventedService({
  service: 'payments',
  config: PaymentsConfig,
  publishes: paymentsEvents,
  consumes: manifest.seams.consumes,
  feeds: (config) => ({ orders: config.ORDERS_URL }),
  migrations: new URL('../migrations', import.meta.url),
  async start({ config, sql, eventing, auth, logger, metrics }) {
    eventing.consume(orderCancellation({ outbox: eventing.outbox, newId, now: systemClock }))
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
    return { app }
  },
})
