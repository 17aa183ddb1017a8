import { bootstrapEventedService } from '@seams/eventing'
import { UpstreamUnavailable } from '@seams/http-client'
import { createSagaRunner, sagaMigrations } from '@seams/saga'
import { namesOf } from '@seams/service-kit'
import { createCatalogClient } from '@shop/catalog-contracts'
import { ordersEvents } from '@shop/orders-contracts'
import { createPaymentsClient } from '@shop/payments-contracts'
import { buildApp } from './app.ts'
import { cancellationSaga } from './cancellation-saga/cancellation-saga.ts'
import { checkoutSaga } from './checkout-saga/checkout-saga.ts'
import { OrdersConfig } from './config.ts'
import { customerDeactivation } from './customer-deactivation/customer-deactivation.ts'
import { customerReplica } from './replicas/customer-replica.ts'
import { productReplica } from './replicas/product-replica.ts'

await bootstrapEventedService({
  service: 'orders',
  config: OrdersConfig,
  root: new URL('..', import.meta.url),
  publishes: ordersEvents,
  feeds: (config) => ({ users: config.USERS_URL, catalog: config.CATALOG_URL }),
  toolkitMigrations: [sagaMigrations],
  async start(context) {
    const { config, sql, eventing, logger, metrics, client } = context
    const deps = {
      ...context,
      outbox: eventing.outbox,
      catalog: createCatalogClient(client('catalog', config.CATALOG_URL)),
      payments: createPaymentsClient(client('payments', config.PAYMENTS_URL)),
    }
    const checkout = checkoutSaga(deps)
    const cancellation = cancellationSaga(deps)
    eventing.project(customerReplica)
    eventing.project(productReplica)
    eventing.consume(customerDeactivation(deps))
    const sagas = createSagaRunner({
      sql,
      sagas: [checkout, cancellation],
      logger,
      metrics,
      stepTimeoutMs: config.SAGA_STEP_TIMEOUT_MS,
      sagaTimeoutMs: config.SAGA_TIMEOUT_MS,
      concurrency: config.SAGA_CONCURRENCY,
      isUndelivered: (error) => error instanceof UpstreamUnavailable && error.details?.['delivered'] === false,
      // Confirming, rejecting and cancelling write events: their relay is woken as they commit.
      transaction: (work) => eventing.outbox.transaction(work),
    })
    context.onStop(() => sagas.stop())
    const app = await buildApp({ ...context, sagas, checkout, cancellation, operators: namesOf(config.OPERATORS) })
    return { app, start: () => sagas.start() }
  },
})
