import { Forbidden } from '@seams/core'
import {
  apiSecurity,
  mayRead,
  problemsOf,
  requireReader,
  isOwnerOrAdmin,
  requireUser,
  type ServiceApp,
  type Sql,
} from '@seams/service-kit'
import { IdParams, ListOrdersQuery, Order, OrderPage, ordersErrorCodes } from '@shop/orders-contracts'
import { InvalidCursor, OrderNotFound } from '../errors.ts'
import { findOrder, listOrders, toOrder } from '../orders/order-store.ts'
import { productNames } from '../replicas/product-replica-store.ts'

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const encodeCursor = (id: string) => Buffer.from(id).toString('base64url')
function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8')
  if (!uuid.test(id)) throw new InvalidCursor()
  return id
}

export function readOrdersRoutes(app: ServiceApp, deps: { sql: Sql }): void {
  const { sql } = deps

  // One order, with product names from the catalog replica, for its customer or an admin.
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
      return toOrder(
        order,
        await productNames(
          sql,
          order.items.map((item) => item.productId),
        ),
      )
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
      const orders = await listOrders(
        sql,
        customerId ?? user.id,
        limit + 1,
        after === undefined ? undefined : decodeCursor(after),
      )
      const page = orders.slice(0, limit)
      const names = await productNames(
        sql,
        page.flatMap((order) => order.items.map((item) => item.productId)),
      )
      return {
        items: page.map((order) => toOrder(order, names)),
        nextCursor: orders.length > limit ? encodeCursor(page.at(-1)!.id) : null,
      }
    },
  )
}
