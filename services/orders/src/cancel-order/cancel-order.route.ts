import { formatTraceparent, type Clock, type IdGenerator } from '@seams/core'
import type { Outbox } from '@seams/outbox'
import type { SagaDefinition, SagaRunner } from '@seams/saga'
import { apiSecurity, isOwnerOrAdmin, problemsOf, requireUser, type ServiceApp } from '@seams/service-kit'
import { IdParams, OrderAccepted, OrderStatus, ordersErrorCodes } from '@shop/orders-contracts'
import Type from 'typebox'
import type { CancellationData } from '../cancellation-saga/cancellation-saga.ts'
import { NotCancellable, OrderNotFound } from '../errors.ts'
import { orderCancelled } from '../orders/order-events.ts'
import { changeOrder, findOrder } from '../orders/order-store.ts'
import { decideCancel } from './cancel-order.ts'

export interface CancelOrderDeps {
  outbox: Outbox
  sagas: SagaRunner
  cancellation: SagaDefinition<CancellationData>
  newId: IdGenerator
  now: Clock
}

const CancelAccepted = Type.Object({ orderId: OrderAccepted.properties.orderId, status: OrderStatus })

export function cancelOrderRoutes(app: ServiceApp, deps: CancelOrderDeps): void {
  const { outbox } = deps

  // The customer (or an admin) cancels an order; stock and money come back through a saga (202).
  app.post(
    '/orders/:id/cancel',
    {
      schema: {
        summary: 'Cancel an order',
        operationId: 'cancelOrder',
        tags: ['orders'],
        security: apiSecurity.user,
        problems: problemsOf(ordersErrorCodes, 'ORDERS_ORDER_NOT_FOUND', 'ORDERS_NOT_CANCELLABLE'),
        params: IdParams,
        response: { 202: CancelAccepted },
      },
    },
    async (request, reply) => {
      const user = requireUser(request)
      const reason = user.role === 'admin' ? 'CANCELLED_BY_ADMIN' : 'CANCELLED_BY_CUSTOMER'
      const status = await outbox.transaction(async (tx) => {
        const order = await findOrder(tx, request.params.id, { lock: true })
        if (order === undefined || !isOwnerOrAdmin(user, order.customerId))
          throw new OrderNotFound(`No order ${request.params.id}`)
        const decision = decideCancel({ status: order.status, cancelRequested: order.cancelRequestedAt !== null })
        if (decision.action === 'refuse') throw new NotCancellable(decision.reason)
        if (decision.action === 'already') return order.status
        if (decision.action === 'cancel-now') {
          const cancelled = await changeOrder(tx, order.id, { status: 'CANCELLED', reason })
          await outbox.enqueue(tx, orderCancelled(deps, cancelled, 'orchestrated', request.trace))
          return cancelled.status
        }
        await changeOrder(tx, order.id, { status: 'CONFIRMED', cancelRequested: true })
        await deps.sagas.begin(tx, deps.cancellation, deps.newId(), {
          orderId: order.id,
          customerId: order.customerId,
          paymentId: order.paymentId,
          reason,
          traceparent: formatTraceparent(request.trace),
        })
        return order.status
      })
      deps.sagas.wake()
      return reply.code(202).send({ orderId: request.params.id, status })
    },
  )
}
