import { eventTraceContext } from '@seams/core'
import type { ConsumerDeclaration } from '@seams/eventing'
import { on } from '@seams/inbox'
import { OrderCancelledV1 } from '@shop/orders-contracts'
import { changePaymentIn, type ChangePaymentDeps } from '../payments/change-payment.ts'
import { findPaymentByOrder } from '../payments/payment-store.ts'

/**
 * Choreography: when orders cancels an order and leaves the settlement to the participants, payments
 * gives the money back by itself: voids an authorization, refunds a capture. A payment still pending
 * belongs to a checkout in flight, whose saga settles it. Repeats are no-ops.
 */
export function orderCancellation(deps: ChangePaymentDeps): ConsumerDeclaration {
  return {
    name: 'payments.order-cancellation',
    source: 'orders',
    handlers: [
      on(OrderCancelledV1, async (tx, event) => {
        if (event.data.settlement !== 'choreographed') return
        const payment = await findPaymentByOrder(tx, event.data.orderId)
        const trace = eventTraceContext(event)
        if (payment?.status === 'authorized') await changePaymentIn(tx, deps, payment.id, { type: 'Void' }, trace)
        else if (payment?.status === 'captured') await changePaymentIn(tx, deps, payment.id, { type: 'Refund' }, trace)
      }),
    ],
  }
}
