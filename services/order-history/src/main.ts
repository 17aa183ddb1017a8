import { bootstrapEventedService } from '@seams/eventing'
import { namesOf } from '@seams/service-kit'
import manifest from '../package.json' with { type: 'json' }
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
  consumes: manifest.seams.consumes,
  feeds: (config) => ({
    orders: config.ORDERS_URL,
    payments: config.PAYMENTS_URL,
    users: config.USERS_URL,
    catalog: config.CATALOG_URL,
  }),
  async start({ config, sql, eventing, auth, logger, metrics }) {
    eventing.project(historyCustomers)
    eventing.project(historyProducts)
    eventing.project(orderHistory)
    const app = await buildApp({ sql, eventing, auth, logger, metrics, operators: namesOf(config.OPERATORS) })
    return { app }
  },
})
