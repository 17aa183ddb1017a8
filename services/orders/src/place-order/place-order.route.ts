import { formatTraceparent, type Clock, type IdGenerator } from '@seams/core'
import type { Outbox } from '@seams/outbox'
import type { SagaDefinition, SagaRunner } from '@seams/saga'
import { apiSecurity, problemsOf, requireUser, type ServiceApp } from '@seams/service-kit'
import { IdempotencyKeyHeaders, OrderAccepted, PlaceOrderRequest, ordersErrorCodes } from '@shop/orders-contracts'
import type { CheckoutData } from '../checkout-saga/checkout.ts'
import { CustomerDeactivated, IdempotencyMismatch } from '../errors.ts'
import { orderPlaced } from '../orders/order-events.ts'
import { insertOrder } from '../orders/order-store.ts'
import { isCustomerDeactivated } from '../replicas/customer-replica.ts'
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
        const [claimed] = await tx`
          insert into order_requests (customer_id, idempotency_key, request_hash, order_id) values (${customer.id}, ${key}, ${hash}, ${orderId})
          on conflict do nothing returning order_id`
        if (claimed === undefined) {
          const [existing] = await tx<{ orderId: string; requestHash: string }[]>`
            select order_id as "orderId", request_hash as "requestHash" from order_requests where customer_id = ${customer.id} and idempotency_key = ${key}`
          return decideReplay(existing, hash)
        }
        // The replica may lag a deactivation by moments; the customer's token may outlive it by an hour.
        if (await isCustomerDeactivated(tx, customer.id))
          throw new CustomerDeactivated('This customer account is deactivated and cannot place orders')
        const items = request.body.items
        const order = await insertOrder(tx, { id: orderId, customerId: customer.id, paymentId: deps.newId(), items })
        const traceparent = formatTraceparent(request.trace)
        await outbox.enqueue(tx, orderPlaced(deps, order, traceparent))
        await deps.sagas.begin(tx, deps.checkout, orderId, {
          orderId,
          customerId: customer.id,
          paymentId: order.paymentId,
          items,
          traceparent,
        })
        return decideReplay(undefined, hash)
      })
      if (!claim.fresh && !claim.sameRequest)
        throw new IdempotencyMismatch(`Idempotency-Key ${key} was used for another order request`)
      deps.sagas.wake()
      return reply.code(202).send({ orderId: claim.fresh ? orderId : claim.orderId, status: 'PENDING' as const })
    },
  )
}
