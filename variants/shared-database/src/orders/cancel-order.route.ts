import { apiSecurity, isOwnerOrAdmin, problemsOf, requireUser, type ServiceApp, type Sql } from '@seams/service-kit'
import { IdParams, OrderAccepted, OrderStatus, ordersErrorCodes } from '@shop/orders-contracts'
import Type from 'typebox'
import { NotCancellable, OrderNotFound } from '../../../../services/orders/src/errors.ts'
import { findOrder, releasePayment, restock, setOrderStatus } from '../dal/index.ts'

const CancelAccepted = Type.Object({ orderId: OrderAccepted.properties.orderId, status: OrderStatus })

export function cancelOrderRoutes(app: ServiceApp, deps: { sql: Sql }): void {
  // The customer (or an admin) cancels an order: stock back on catalog's rows, the payment voided or
  // refunded on payments', the order cancelled, all in one transaction; the answer is the final state.
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
      const status = await deps.sql.begin(async (tx) => {
        const order = await findOrder(tx, request.params.id, { lock: true })
        if (order === undefined || !isOwnerOrAdmin(user, order.customerId))
          throw new OrderNotFound(`No order ${request.params.id}`)
        if (order.status === 'REJECTED') throw new NotCancellable('A rejected order holds nothing to cancel')
        if (order.status === 'CANCELLED') return order.status
        if (order.status === 'CONFIRMED') {
          await restock(tx, order.id)
          await releasePayment(tx, order.id)
        }
        await setOrderStatus(tx, order.id, { status: 'CANCELLED', reason })
        return 'CANCELLED' as const
      })
      return reply.code(202).send({ orderId: request.params.id, status })
    },
  )
}
