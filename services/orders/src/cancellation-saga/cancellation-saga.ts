import type { EnvelopeFactoryDeps } from '@seams/core'
import type { Outbox } from '@seams/outbox'
import { defineSaga, type SagaDefinition, type StepContext } from '@seams/saga'
import type { CatalogClient } from '@shop/catalog-contracts'
import type { PaymentsClient } from '@shop/payments-contracts'
import { orderCancelled } from '../orders/order-events.ts'
import { changeOrder, findOrder } from '../orders/order-store.ts'
import { settlePayment } from '../settle-payment/settle-payment.ts'

export interface CancellationData {
  orderId: string
  customerId: string
  paymentId: string
  reason: string
  /** The trace of the request that asked for the cancellation: its steps, calls and event continue it. */
  traceparent?: string
}

export interface CancellationSagaDeps extends EnvelopeFactoryDeps {
  outbox: Outbox
  catalog: CatalogClient
  payments: PaymentsClient
}

const call = (context: StepContext) => ({ signal: context.signal, trace: context.trace })

/**
 * Cancelling a confirmed order: give the money back, give the stock back, then mark it CANCELLED.
 * There is nothing to compensate towards, so no step gives up: each is retried until it succeeds.
 */
export function cancellationSaga(deps: CancellationSagaDeps): SagaDefinition<CancellationData> {
  return defineSaga<CancellationData>({
    type: 'cancellation',
    maxStepAttempts: Number.POSITIVE_INFINITY,
    timeoutMs: Number.POSITIVE_INFINITY,
    traceparent: (data) => data.traceparent,
    steps: [
      {
        name: 'settle-payment',
        async run(data, context) {
          await settlePayment(deps.payments, data, call(context))
          return { done: data }
        },
      },
      {
        name: 'release-stock',
        async run(data, context) {
          await deps.catalog.releaseStock(data.orderId, call(context))
          return { done: data }
        },
      },
      {
        name: 'mark-cancelled',
        async runLocally(tx, data, context) {
          const order = await findOrder(tx, data.orderId, { lock: true })
          if (order === undefined || order.status === 'CANCELLED') return { done: data }
          const cancelled = await changeOrder(tx, data.orderId, { status: 'CANCELLED', reason: data.reason })
          await deps.outbox.enqueue(tx, orderCancelled(deps, cancelled, 'orchestrated', context.trace))
          return { done: data }
        },
      },
    ],
    async onCompensated() {},
  })
}
