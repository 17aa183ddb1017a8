import { newId, systemClock } from '@seams/core'
import { bootstrapEventedService } from '@seams/eventing'
import { namesOf } from '@seams/service-kit'
import { catalogEvents } from '@shop/catalog-contracts'
import manifest from '../package.json' with { type: 'json' }
import { buildApp } from './app.ts'
import { orderCancellation } from './order-cancellation/order-cancellation.ts'
import { CatalogConfig } from './config.ts'

await bootstrapEventedService({
  service: 'catalog',
  config: CatalogConfig,
  publishes: catalogEvents,
  consumes: manifest.seams.consumes,
  feeds: (config) => ({ orders: config.ORDERS_URL }),
  migrations: new URL('../migrations', import.meta.url),
  async start({ config, sql, eventing, auth, logger, metrics }) {
    eventing.consume(orderCancellation({ outbox: eventing.outbox, newId, now: systemClock }))
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
    return { app }
  },
})
