import { bootstrapEventedService } from '@seams/eventing'
import { namesOf } from '@seams/service-kit'
import { paymentsEvents } from '@shop/payments-contracts'
import { buildApp } from './app.ts'
import { orderCancellation } from './order-cancellation/order-cancellation.ts'
import { PaymentsConfig } from './config.ts'
import { createSimulatedProvider } from './payment-provider/simulated-provider.ts'

await bootstrapEventedService({
  service: 'payments',
  config: PaymentsConfig,
  root: new URL('..', import.meta.url),
  publishes: paymentsEvents,
  feeds: (config) => ({ orders: config.ORDERS_URL }),
  async start(context) {
    const { config, eventing } = context
    // Voids or refunds the payments of orders cancelled by choreography.
    eventing.consume(orderCancellation({ ...context, outbox: eventing.outbox }))
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
      ...context,
      operators: namesOf(config.OPERATORS),
      provider: simulator,
      simulator,
      providerTimeoutMs: config.PROVIDER_TIMEOUT_MS,
      paymentCallers: namesOf(config.PAYMENT_CALLERS),
    })
    return { app }
  },
})
