import type { Clock, IdGenerator } from '@seams/core'
import { registerOperationsRoutes, type Eventing, eventsReadiness } from '@seams/eventing'
import {
  createServiceApp,
  databaseCheck,
  type Logger,
  type Registry,
  type ServiceApp,
  type ServiceAuth,
  type Sql,
} from '@seams/service-kit'
import { authorizePaymentRoutes } from './authorize-payment/authorize-payment.route.ts'
import { captureVoidRefundRoutes } from './capture-void-refund/capture-void-refund.route.ts'
import type { PaymentProvider } from './payment-provider/payment-provider.ts'
import type { SimulatedProvider } from './payment-provider/simulated-provider.ts'
import { simulatorRoutes } from './payment-provider/simulator.route.ts'
import { viewPaymentsRoutes } from './view-payments/view-payments.route.ts'

export interface PaymentsDeps {
  /** Services allowed on the /ops routes. @default ['operator'] */
  operators?: readonly string[]
  sql: Sql
  eventing: Eventing
  auth: ServiceAuth
  logger: Logger
  metrics: Registry
  newId: IdGenerator
  now: Clock
  provider: PaymentProvider
  /** The provider's knobs, served at /simulator; absent with a real provider. */
  simulator?: Pick<SimulatedProvider, 'settings' | 'configure'>
  providerTimeoutMs: number
  paymentCallers: readonly string[]
}

/** The payments HTTP app; it never listens, so tests drive it in-process. */
export async function buildApp(deps: PaymentsDeps): Promise<ServiceApp> {
  const app = await createServiceApp({
    service: 'payments',
    logger: deps.logger,
    metrics: deps.metrics,
    auth: deps.auth,
    readiness: { database: databaseCheck(deps.sql), events: eventsReadiness(deps.eventing) },
    openapi: {
      tags: {
        payments: 'Payments of orders: reads for their owners, changes for the orders service',
        simulator: "The simulated provider's knobs, for fault injection (operators only)",
      },
      title: 'Payments',
      description: 'Payments, one per order, owned by the payments service.',
    },
  })
  const outbox = deps.eventing.outbox
  const { newId, now, paymentCallers } = deps
  authorizePaymentRoutes(app, {
    outbox,
    newId,
    now,
    provider: deps.provider,
    providerTimeoutMs: deps.providerTimeoutMs,
    paymentCallers,
  })
  captureVoidRefundRoutes(app, { outbox, newId, now, paymentCallers })
  viewPaymentsRoutes(app, { sql: deps.sql, readers: paymentCallers })
  const operators = deps.operators ?? ['operator']
  if (deps.simulator !== undefined) simulatorRoutes(app, { simulator: deps.simulator, operators })
  deps.eventing.registerRoutes(app)
  registerOperationsRoutes(app, { sql: deps.sql, eventing: deps.eventing, operators })
  return app
}
