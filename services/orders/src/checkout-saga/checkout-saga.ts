import type { EnvelopeFactoryDeps } from '@seams/core'
import type { Outbox } from '@seams/outbox'
import { defineSaga, type SagaDefinition, type StepContext } from '@seams/saga'
import type { CatalogClient } from '@shop/catalog-contracts'
import type { PaymentsClient } from '@shop/payments-contracts'
import { orderConfirmed, orderRejected } from '../orders/order-events.ts'
import { capturePrices, changeOrder, findOrder, orderStatus } from '../orders/order-store.ts'
import { settlePayment } from '../payments/settle-payment.ts'
import { chargeFor, type CheckoutData } from './checkout.ts'

export interface CheckoutSagaDeps extends EnvelopeFactoryDeps {
  outbox: Outbox
  catalog: CatalogClient
  payments: PaymentsClient
}

// Each call continues the checkout's trace (the request that placed the order), through the step's span.
const call = (context: StepContext) => ({ signal: context.signal, trace: context.trace })

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
          const charge = chargeFor(data.reserved ?? [])
          if (!charge.ok) return { refused: charge.reason }
          const { paymentId, orderId, customerId } = data
          const { totalCents, currency } = charge
          const result = await deps.payments.authorize(
            { paymentId, orderId, customerId, amountCents: totalCents, currency },
            call(context),
          )
          return result.ok
            ? { done: { ...data, authorized: { totalCents, currency } } }
            : { refused: `PAYMENT_DECLINED: ${result.payment.failureReason ?? 'declined'}` }
        },
        async compensate(data, context) {
          await settlePayment(deps.payments, data, call(context))
        },
      },
      {
        name: 'confirm-order',
        // Local, under the order's row lock: a cancellation that got there first turns into compensation.
        async run(data, context) {
          const { reserved, authorized } = data
          if (reserved === undefined || authorized === undefined)
            throw new Error(
              `checkout of order ${data.orderId} reached confirm-order without a reservation and a charge`,
            )
          const refusal = await deps.outbox.transaction(async (tx) => {
            const order = await findOrder(tx, data.orderId, { lock: true })
            if (order === undefined || order.status === 'CANCELLED') return 'ORDER_CANCELLED'
            if (order.status === 'CONFIRMED') return undefined // this step ran before a crash
            await capturePrices(
              tx,
              data.orderId,
              new Map(reserved.map((line) => [line.productId, line.unitPriceCents])),
            )
            const confirmed = await changeOrder(tx, data.orderId, { status: 'CONFIRMED', ...authorized })
            await deps.outbox.enqueue(tx, orderConfirmed(deps, confirmed, context.trace))
            return undefined
          })
          return refusal === undefined ? { done: data } : { refused: refusal }
        },
      },
    ],
    async onCompensated(tx, data, failure, trace) {
      const order = await findOrder(tx, data.orderId, { lock: true })
      if (order === undefined || order.status !== 'PENDING') return // cancelled meanwhile: already told
      const rejected = await changeOrder(tx, data.orderId, { status: 'REJECTED', reason: failure })
      await deps.outbox.enqueue(tx, orderRejected(deps, rejected, trace))
    },
  })
}
