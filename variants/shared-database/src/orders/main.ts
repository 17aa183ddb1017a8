import Type from 'typebox'
import { OrdersConfig } from '../../../../services/orders/src/config.ts'
import { createSimulatedProvider } from '../../../../services/payments/src/payment-provider/simulated-provider.ts'
import { startSharedService } from '../shared-service.ts'
import { cancelOrderRoutes } from './cancel-order.route.ts'
import { placeOrderRoutes } from './place-order.route.ts'
import { readOrdersRoutes } from './read-orders.route.ts'

const SharedOrdersConfig = Type.Object({
  ...OrdersConfig.properties,
  PROVIDER_TIMEOUT_MS: Type.Integer({
    minimum: 1,
    maximum: 60_000,
    default: 2000,
    description: 'Longest wait for the payment provider inside the checkout transaction',
  }),
})

// Orders on the shared database: the checkout is one transaction over users', catalog's, orders' and
// payments' tables, calling the payment provider while it holds them. No saga, replica or outbox.
await startSharedService({
  service: 'orders',
  config: SharedOrdersConfig,
  openapi: {
    title: 'Orders',
    description: 'Orders, checked out in one transaction across the shared database.',
    tags: { orders: 'Orders: placing, reading, cancelling' },
  },
  routes({ app, sql, config, newId }) {
    // Its knobs are read from payments' table at each checkout; the starting ones are placeholders.
    const provider = createSimulatedProvider({
      settings: { latencyMs: 0, jitterMs: 0, declineRate: 0, errorRate: 0, hangRate: 0 },
    })
    placeOrderRoutes(app, { sql, provider, providerTimeoutMs: config.PROVIDER_TIMEOUT_MS, newId })
    cancelOrderRoutes(app, { sql })
    readOrdersRoutes(app, { sql })
  },
})
