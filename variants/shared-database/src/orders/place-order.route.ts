import type { IdGenerator } from '@seams/core'
import { apiSecurity, problemsOf, requireUser, type ServiceApp, type Sql } from '@seams/service-kit'
import { IdempotencyKeyHeaders, OrderAccepted, PlaceOrderRequest, ordersErrorCodes } from '@shop/orders-contracts'
import { CustomerDeactivated, IdempotencyMismatch } from '../../../../services/orders/src/errors.ts'
import { decideReplay, requestHash } from '../../../../services/orders/src/place-order/place-order.ts'
import { claimOrderRequest, lockCustomerStatus } from '../dal/index.ts'
import { checkOut, type CheckoutDeps } from './checkout.ts'

export interface PlaceOrderDeps extends CheckoutDeps {
  sql: Sql
  newId: IdGenerator
}

export function placeOrderRoutes(app: ServiceApp, deps: PlaceOrderDeps): void {
  const { sql } = deps

  // A customer places an order, checked out before the answer: when the 202 leaves, the order is CONFIRMED
  // or REJECTED already. The body still says PENDING, the contract's word for "accepted", so that clients of
  // both topologies read the order for its outcome the same way. The Idempotency-Key makes a retry safe.
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
      const claim = await sql.begin(async (tx) => {
        const claimed = await claimOrderRequest(tx, {
          customerId: customer.id,
          idempotencyKey: key,
          requestHash: hash,
          orderId,
        })
        const decision = decideReplay({ type: 'PlaceOrder', requestHash: hash }, claimed)
        if (!decision.fresh) return decision
        // Users' own row, not a replica: a deactivation committed before this checkout is always seen.
        if ((await lockCustomerStatus(tx, customer.id)) !== 'active')
          throw new CustomerDeactivated('This customer account is deactivated and cannot place orders')
        await checkOut(tx, deps, {
          orderId,
          paymentId: deps.newId(),
          customerId: customer.id,
          items: request.body.items,
        })
        return decision
      })
      if (!claim.fresh && !claim.sameRequest)
        throw new IdempotencyMismatch(`Idempotency-Key ${key} was used for another order request`)
      return reply.code(202).send({ orderId: claim.fresh ? orderId : claim.orderId, status: 'PENDING' as const })
    },
  )
}
