import { Forbidden } from '@seams/core'
import {
  apiSecurity,
  isOwnerOrAdmin,
  mayRead,
  problemsOf,
  requireReader,
  requireUser,
  type ServiceApp,
  type Sql,
} from '@seams/service-kit'
import { IdParams, ListOrdersQuery, Order, OrderPage, ordersErrorCodes } from '@shop/orders-contracts'
import { InvalidCursor, OrderNotFound } from '../../../../services/orders/src/errors.ts'
import { findOrder, listOrders, toOrder } from '../dal/index.ts'
import { decodeIdCursor, encodeIdCursor } from '../id-cursor.ts'

export function readOrdersRoutes(app: ServiceApp, deps: { sql: Sql }): void {
  const { sql } = deps

  // One order, with product names joined from catalog's table, for its customer or an admin.
  app.get(
    '/orders/:id',
    {
      schema: {
        summary: 'Get an order',
        operationId: 'getOrder',
        tags: ['orders'],
        security: apiSecurity.userOrService,
        problems: problemsOf(ordersErrorCodes, 'ORDERS_ORDER_NOT_FOUND'),
        params: IdParams,
        response: { 200: Order },
      },
    },
    async (request) => {
      const reader = requireReader(request)
      const order = await findOrder(sql, request.params.id)
      if (order === undefined || !mayRead(reader, order.customerId))
        throw new OrderNotFound(`No order ${request.params.id}`)
      return toOrder(order)
    },
  )

  // The acting customer's orders, newest first; admins may name another customer.
  app.get(
    '/orders',
    {
      schema: {
        summary: 'List orders',
        operationId: 'listOrders',
        tags: ['orders'],
        security: apiSecurity.user,
        problems: problemsOf(ordersErrorCodes, 'ORDERS_INVALID_CURSOR'),
        querystring: ListOrdersQuery,
        response: { 200: OrderPage },
      },
    },
    async (request) => {
      const user = requireUser(request)
      const { limit, after, customerId } = request.query
      if (customerId !== undefined && !isOwnerOrAdmin(user, customerId))
        throw new Forbidden("Only admins may list another customer's orders")
      const afterId = after === undefined ? undefined : decodeIdCursor(after)
      if (after !== undefined && afterId === undefined) throw new InvalidCursor()
      const orders = await listOrders(sql, customerId ?? user.id, limit + 1, afterId)
      const page = orders.slice(0, limit)
      return {
        items: page.map(toOrder),
        nextCursor: orders.length > limit ? encodeIdCursor(page.at(-1)!.id) : null,
      }
    },
  )
}
