import { bootstrapEventedService } from '@seams/eventing'
import { namesOf } from '@seams/service-kit'
import { buildApp } from './app.ts'
import { OrderHistoryConfig } from './config.ts'
import { orderHistory } from './order-history/order-history-projection.ts'
import { historyCustomers } from './replicas/history-customers.ts'
import { historyProducts } from './replicas/history-products.ts'

// A pure consumer: it publishes nothing and reads the four producers' feeds. Its only migrations are the
// inbox's; the read models' tables are made by the projector.
await bootstrapEventedService({
  service: 'order-history',
  config: OrderHistoryConfig,
  root: new URL('..', import.meta.url),
  feeds: (config) => ({
    orders: config.ORDERS_URL,
    payments: config.PAYMENTS_URL,
    users: config.USERS_URL,
    catalog: config.CATALOG_URL,
  }),
  async start(context) {
    for (const projection of [historyCustomers, historyProducts, orderHistory]) context.eventing.project(projection)
    return { app: await buildApp({ ...context, operators: namesOf(context.config.OPERATORS) }) }
  },
})
