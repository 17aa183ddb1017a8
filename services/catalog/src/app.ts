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
import { browseProductsRoutes } from './browse-products/browse-products.route.ts'
import { manageProductsRoutes } from './manage-products/manage-products.route.ts'
import { releaseStockRoutes } from './release-stock/release-stock.route.ts'
import { reserveStockRoutes } from './reserve-stock/reserve-stock.route.ts'

export interface CatalogDeps {
  /** Services allowed on the /ops routes. @default ['operator'] */
  operators?: readonly string[]
  sql: Sql
  eventing: Eventing
  auth: ServiceAuth
  logger: Logger
  metrics: Registry
  newId: IdGenerator
  now: Clock
  reservationCallers: readonly string[]
}

/** The catalog's HTTP app; it never listens, so tests drive it in-process. */
export async function buildApp(deps: CatalogDeps): Promise<ServiceApp> {
  const app = await createServiceApp({
    service: 'catalog',
    logger: deps.logger,
    metrics: deps.metrics,
    auth: deps.auth,
    readiness: { database: databaseCheck(deps.sql), events: eventsReadiness(deps.eventing) },
    openapi: {
      tags: {
        products: 'Products and their stock: browsing for everyone, changes for admins',
        reservations: 'Stock held for orders (services only)',
      },
      title: 'Catalog',
      description: 'Products and their stock, owned by the catalog service.',
    },
  })
  const outbox = deps.eventing.outbox
  browseProductsRoutes(app, { sql: deps.sql })
  manageProductsRoutes(app, { outbox, newId: deps.newId, now: deps.now })
  reserveStockRoutes(app, { outbox, newId: deps.newId, now: deps.now, reservationCallers: deps.reservationCallers })
  releaseStockRoutes(app, { outbox, newId: deps.newId, now: deps.now, reservationCallers: deps.reservationCallers })
  deps.eventing.registerRoutes(app)
  registerOperationsRoutes(app, { sql: deps.sql, eventing: deps.eventing, operators: deps.operators ?? ['operator'] })
  return app
}
