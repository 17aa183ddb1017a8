import { bootstrapEventedService } from '@seams/eventing'
import { namesOf } from '@seams/service-kit'
import { catalogEvents } from '@shop/catalog-contracts'
import { buildApp } from './app.ts'
import { orderCancellation } from './order-cancellation/order-cancellation.ts'
import { CatalogConfig } from './config.ts'

await bootstrapEventedService({
  service: 'catalog',
  config: CatalogConfig,
  root: new URL('..', import.meta.url),
  publishes: catalogEvents,
  feeds: (config) => ({ orders: config.ORDERS_URL }),
  async start(context) {
    const { config, eventing } = context
    // Settles the stock of orders cancelled by choreography.
    eventing.consume(orderCancellation({ ...context, outbox: eventing.outbox }))
    const reservationCallers = namesOf(config.RESERVATION_CALLERS)
    return { app: await buildApp({ ...context, operators: namesOf(config.OPERATORS), reservationCallers }) }
  },
})
