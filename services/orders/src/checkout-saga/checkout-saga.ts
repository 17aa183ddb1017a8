import type { EnvelopeFactoryDeps } from '@seams/core'
import type { Outbox } from '@seams/outbox'
import { defineSaga, type SagaDefinition, type StepContext } from '@seams/saga'
import type { CatalogClient } from '@shop/catalog-contracts'
import type { PaymentsClient } from '@shop/payments-contracts'
import { orderConfirmed, orderRejected } from '../orders/order-events.ts'
import { capturePrices, changeOrder, findOrder, orderStatus } from '../orders/order-store.ts'
import { settlePayment } from '../settle-payment/settle-payment.ts'
import { checkoutDecider, type CheckoutCommand, type CheckoutData } from './checkout.ts'

export interface CheckoutSagaDeps extends EnvelopeFactoryDeps {
  outbox: Outbox
  catalog: CatalogClient
  payments: PaymentsClient
}

// Each call continues the checkout's trace (the request that placed the order), through the step's span.
const call = (context: StepContext) => ({ signal: context.signal, trace: context.trace })
const decide = (command: CheckoutCommand, data: CheckoutData) => checkoutDecider.decide(command, data)

/**
 * Placing an order across three owners: reserve the stock (catalog), authorize the payment
 * (payments), confirm the order (here). A refusal or a step that never answers undoes the earlier
 * steps in reverse: void the authorization, release the stock; the order is then REJECTED.
 */
export function checkoutSaga(deps: CheckoutSagaDeps): SagaDefinition<CheckoutData> {
  return defineSaga<CheckoutData>({
    type: 'checkout',
    traceparent: (data) => data.traceparent,
    async checkAbort(sql, data) {
      return (await orderStatus(sql, data.orderId)) === 'CANCELLED' ? 'ORDER_CANCELLED' : undefined
    },
    steps: [
      {
        name: 'reserve-stock',
        async run(data, context) {
          // The order id is the reservation id: a retried step finds its first reservation.
          const result = await deps.catalog.reserveStock(
            { reservationId: data.orderId, items: data.items },
            call(context),
          )
          if (!result.ok)
            return { refused: result.productId === undefined ? result.reason : `${result.reason}: ${result.productId}` }
          return { done: { ...data, reserved: result.reservation.items } }
        },
        async compensate(data, context) {
          await deps.catalog.releaseStock(data.orderId, call(context))
        },
      },
      {
        name: 'authorize-payment',
        async run(data, context) {
          const [decision] = decide({ type: 'AuthorizePayment' }, data)
          if (decision?.type === 'Refuse') return { refused: decision.reason }
          if (decision?.type !== 'Authorize') throw new TypeError('the checkout decided no authorization')
          const { paymentId, orderId, customerId } = data
          const { amountCents, currency } = decision
          const result = await deps.payments.authorize(
            { paymentId, orderId, customerId, amountCents, currency },
            call(context),
          )
          return result.ok
            ? { done: { ...data, authorized: { totalCents: amountCents, currency } } }
            : { refused: `PAYMENT_DECLINED: ${result.payment.failureReason ?? 'declined'}` }
        },
        async compensate(data, context) {
          await settlePayment(deps.payments, data, call(context))
        },
      },
      {
        name: 'confirm-order',
        // Under the order's row lock: a cancellation that got there first turns into compensation.
        async runLocally(tx, data, context) {
          const order = await findOrder(tx, data.orderId, { lock: true })
          const [decision] = decide({ type: 'ConfirmOrder', orderStatus: order?.status }, data)
          if (decision?.type === 'Refuse') return { refused: decision.reason }
          if (decision?.type !== 'Confirm') return { done: data }
          await capturePrices(tx, data.orderId, decision.unitPrices)
          const { totalCents, currency } = decision
          const confirmed = await changeOrder(tx, data.orderId, { status: 'CONFIRMED', totalCents, currency })
          await deps.outbox.enqueue(tx, orderConfirmed(deps, confirmed, context.trace))
          return { done: data }
        },
      },
    ],
    async onCompensated(tx, data, failure, trace) {
      const order = await findOrder(tx, data.orderId, { lock: true })
      if (decide({ type: 'RejectOrder', orderStatus: order?.status }, data).length === 0) return
      const rejected = await changeOrder(tx, data.orderId, { status: 'REJECTED', reason: failure })
      await deps.outbox.enqueue(tx, orderRejected(deps, rejected, trace))
    },
  })
}
