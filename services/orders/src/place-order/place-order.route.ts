import { formatTraceparent, type Clock, type IdGenerator } from '@seams/core'
import type { Outbox } from '@seams/outbox'
import type { SagaDefinition, SagaRunner } from '@seams/saga'
import { apiSecurity, problemsOf, requireUser, type ServiceApp } from '@seams/service-kit'
import { IdempotencyKeyHeaders, OrderAccepted, PlaceOrderRequest, ordersErrorCodes } from '@shop/orders-contracts'
import type { CheckoutData } from '../checkout-saga/checkout.ts'
import { CustomerDeactivated, IdempotencyMismatch } from '../errors.ts'
import { orderPlaced } from '../orders/order-events.ts'
import { claimOrderRequest, insertOrder } from '../orders/order-store.ts'
import { isCustomerDeactivated } from '../replicas/customer-replica-store.ts'
import { decideReplay, requestHash } from './place-order.ts'

export interface PlaceOrderDeps {
  outbox: Outbox
  sagas: SagaRunner
  checkout: SagaDefinition<CheckoutData>
  newId: IdGenerator
  now: Clock
}

export function placeOrderRoutes(app: ServiceApp, deps: PlaceOrderDeps): void {
  const { outbox } = deps

  // A customer places an order: it is written PENDING with its checkout saga in one transaction, and
  // the answer (202) does not wait for the saga. The Idempotency-Key makes a retried request safe.
  app.post(
    '/orders',
    {
      schema: {
        summary: 'Place an order',
        operationId: 'placeOrder',
        tags: ['orders'],
        security: apiSecurity.user,
        problems: problemsOf(ordersErrorCodes, 'ORDERS_IDEMPOTENCY_MISMATCH', 'ORDERS_CUSTOMER_DEACTIVATED'),
        headers: IdempotencyKeyHeaders,
        body: PlaceOrderRequest,
        response: { 202: OrderAccepted },
      },
    },
    async (request, reply) => {
      const customer = requireUser(request)
      const key = request.headers['idempotency-key']
      const hash = requestHash(request.body)
      const orderId = deps.newId()
      const claim = await outbox.transaction(async (tx) => {
        // Sent together, in one round trip: the claim, and whether the account is closed (the replica may lag a
        // deactivation by moments; the customer's token may outlive it by an hour). A replayed request does not
        // need the second answer, and asking costs it nothing.
        const [claimed, deactivated] = await Promise.all([
          claimOrderRequest(tx, { customerId: customer.id, idempotencyKey: key, requestHash: hash, orderId }),
          isCustomerDeactivated(tx, customer.id),
        ])
        const decision = decideReplay({ type: 'PlaceOrder', requestHash: hash }, claimed)
        if (!decision.fresh) return decision
        if (deactivated) throw new CustomerDeactivated('This customer account is deactivated and cannot place orders')
        const items = request.body.items
        const order = await insertOrder(tx, { id: orderId, customerId: customer.id, paymentId: deps.newId(), items })
        const traceparent = formatTraceparent(request.trace)
        await Promise.all([
          outbox.enqueue(tx, orderPlaced(deps, order, traceparent)),
          deps.sagas.begin(tx, deps.checkout, orderId, {
            orderId,
            customerId: customer.id,
            paymentId: order.paymentId,
            items,
            traceparent,
          }),
        ])
        return decision
      })
      if (!claim.fresh && !claim.sameRequest)
        throw new IdempotencyMismatch(`Idempotency-Key ${key} was used for another order request`)
      deps.sagas.wake()
      return reply.code(202).send({ orderId: claim.fresh ? orderId : claim.orderId, status: 'PENDING' as const })
    },
  )
}
