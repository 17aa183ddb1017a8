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
import { orderHistoryRoutes } from './order-history/order-history.route.ts'

export interface OrderHistoryDeps {
  sql: Sql
  eventing: Eventing
  auth: ServiceAuth
  logger: Logger
  metrics: Registry
  operators: readonly string[]
}

/** The order-history service's HTTP app; it never listens, so tests drive it in-process. */
export async function buildApp(deps: OrderHistoryDeps): Promise<ServiceApp> {
  const app = await createServiceApp({
    service: 'order-history',
    logger: deps.logger,
    metrics: deps.metrics,
    auth: deps.auth,
    readiness: {
      database: databaseCheck(deps.sql),
      // Informational: lagging consumers make answers older, not wrong, so they never fail readiness.
      events: eventsReadiness(deps.eventing),
    },
    openapi: {
      tags: { 'order-history': "Customers' orders with names and payment status, from events" },
      title: 'Order history',
      description: "Customers' orders with names and payment status, kept from events (CQRS query side).",
    },
  })
  orderHistoryRoutes(app, { sql: deps.sql })
  registerOperationsRoutes(app, { sql: deps.sql, eventing: deps.eventing, operators: deps.operators })
  return app
}
