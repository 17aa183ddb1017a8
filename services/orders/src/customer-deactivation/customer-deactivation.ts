import type { EnvelopeFactoryDeps } from '@seams/core'
import type { ConsumerDeclaration } from '@seams/eventing'
import { on } from '@seams/inbox'
import type { Outbox } from '@seams/outbox'
import { UserDeactivatedV1 } from '@shop/users-contracts'
import { orderCancelled } from '../orders/order-events.ts'
import { changeOrder, lockOpenOrders } from '../orders/order-store.ts'
import { markCustomerDeactivated } from '../replicas/customer-replica-store.ts'

/**
 * Choreography, for contrast with the checkout saga: when the users service announces a deactivation,
 * orders cancels that customer's open orders and announces it; catalog and payments, reacting to
 * OrderCancelled (settlement `choreographed`), give back the stock and the money. Nobody coordinates.
 * A checkout still in flight sees the cancellation and compensates its own steps; both paths are
 * idempotent, so whichever runs first, nothing is given back twice.
 */
export function customerDeactivation(deps: EnvelopeFactoryDeps & { outbox: Outbox }): ConsumerDeclaration {
  return {
    name: 'orders.customer-deactivation',
    source: 'users',
    handlers: [
      on(UserDeactivatedV1, async (tx, event) => {
        // First, under the replica row's lock, so that an order being placed right now is either seen
        // below or refused (see isCustomerDeactivated); the replica's own consumer may run much later.
        await markCustomerDeactivated(tx, event.data.userId)
        for (const id of await lockOpenOrders(tx, event.data.userId)) {
          const cancelled = await changeOrder(tx, id, { status: 'CANCELLED', reason: 'CUSTOMER_DEACTIVATED' })
          await deps.outbox.enqueue(tx, orderCancelled(deps, cancelled, 'choreographed'))
        }
      }),
    ],
  }
}
