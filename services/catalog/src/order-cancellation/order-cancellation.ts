import { eventTraceContext } from '@seams/core'
import type { ConsumerDeclaration } from '@seams/eventing'
import { on } from '@seams/inbox'
import { OrderCancelledV1 } from '@shop/orders-contracts'
import { releaseReservation, type ReleaseDeps } from '../release-stock/release-reservation.ts'

/**
 * Choreography: when orders cancels an order and leaves the settlement to the participants, the
 * catalog puts the order's reserved stock back by itself (the reservation id is the order id).
 */
export function orderCancellation(deps: ReleaseDeps): ConsumerDeclaration {
  return {
    name: 'catalog.order-cancellation',
    source: 'orders',
    handlers: [
      on(OrderCancelledV1, async (tx, event) => {
        if (event.data.settlement !== 'choreographed') return
        await releaseReservation(tx, deps, event.data.orderId, eventTraceContext(event))
      }),
    ],
  }
}
