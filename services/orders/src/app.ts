import type { Clock, IdGenerator } from '@seams/core'
import { registerOperationsRoutes, type Eventing, eventsReadiness } from '@seams/eventing'
import type { SagaDefinition, SagaRunner } from '@seams/saga'
import {
  createServiceApp,
  databaseCheck,
  type Logger,
  type Registry,
  type ServiceApp,
  type ServiceAuth,
  type Sql,
} from '@seams/service-kit'
import { cancelOrderRoutes } from './cancel-order/cancel-order.route.ts'
import type { CancellationData } from './cancellation-saga/cancellation-saga.ts'
import type { CheckoutData } from './checkout-saga/checkout.ts'
import { placeOrderRoutes } from './place-order/place-order.route.ts'
import { readOrdersRoutes } from './read-orders/read-orders.route.ts'
import { sagaTimelineRoutes } from './saga-timeline/saga-timeline.route.ts'

export interface OrdersDeps {
  sql: Sql
  eventing: Eventing
  sagas: SagaRunner
  checkout: SagaDefinition<CheckoutData>
  cancellation: SagaDefinition<CancellationData>
  auth: ServiceAuth
  logger: Logger
  metrics: Registry
  newId: IdGenerator
  now: Clock
  operators: readonly string[]
}

/** The orders service's HTTP app; it never listens, so tests drive it in-process. */
export async function buildApp(deps: OrdersDeps): Promise<ServiceApp> {
  const app = await createServiceApp({
    service: 'orders',
    logger: deps.logger,
    metrics: deps.metrics,
    auth: deps.auth,
    readiness: {
      database: databaseCheck(deps.sql),
      events: eventsReadiness(deps.eventing),
    },
    openapi: {
      title: 'Orders',
      description: 'Orders and their checkout, owned by the orders service.',
      tags: { orders: 'Orders: placing, reading, cancelling' },
    },
  })
  const outbox = deps.eventing.outbox
  placeOrderRoutes(app, { outbox, sagas: deps.sagas, checkout: deps.checkout, newId: deps.newId, now: deps.now })
  readOrdersRoutes(app, { sql: deps.sql })
  cancelOrderRoutes(app, {
    outbox,
    sagas: deps.sagas,
    cancellation: deps.cancellation,
    newId: deps.newId,
    now: deps.now,
  })
  deps.eventing.registerRoutes(app)
  registerOperationsRoutes(app, { sql: deps.sql, eventing: deps.eventing, operators: deps.operators })
  sagaTimelineRoutes(app, { sql: deps.sql, operators: deps.operators })
  return app
}
