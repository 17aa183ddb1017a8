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
import {
  ListOrderHistoryQuery,
  OrderHistoryEntry,
  OrderHistoryPage,
  OrderHistoryParams,
  orderHistoryErrorCodes,
} from '@shop/order-history-contracts'
import { OrderHistoryConfig } from '../../../../services/order-history/src/config.ts'
import { EntryNotFound, InvalidCursor } from '../../../../services/order-history/src/errors.ts'
import { findHistoryEntry, listHistory } from '../dal/index.ts'
import { startSharedService } from '../shared-service.ts'
import { decodeIdCursor, encodeIdCursor } from '../id-cursor.ts'

// Order history on the shared database: no read model, no feeds; each request is one query joining
// orders', catalog's, users' and payments' tables, always as fresh as the last commit.
await startSharedService({
  service: 'order-history',
  config: OrderHistoryConfig,
  openapi: {
    title: 'Order history',
    description: "Customers' orders with names and payments, one query over the shared database.",
    tags: { 'order-history': 'Orders with their payment and names' },
  },
  routes({ app, sql }) {
    orderHistoryRoutes(app, { sql })
  },
})

function orderHistoryRoutes(app: ServiceApp, deps: { sql: Sql }): void {
  const { sql } = deps

  // One order with its payment and current names.
  app.get(
    '/order-history/:orderId',
    {
      schema: {
        summary: 'Get an order history entry',
        operationId: 'getOrderHistoryEntry',
        tags: ['order-history'],
        security: apiSecurity.userOrService,
        problems: problemsOf(orderHistoryErrorCodes, 'ORDER_HISTORY_ENTRY_NOT_FOUND'),
        params: OrderHistoryParams,
        response: { 200: OrderHistoryEntry },
      },
    },
    async (request) => {
      const reader = requireReader(request)
      const entry = await findHistoryEntry(sql, request.params.orderId)
      if (entry === undefined || !mayRead(reader, entry.customerId))
        throw new EntryNotFound(`No order ${request.params.orderId} in the history`)
      return entry
    },
  )

  // The acting customer's orders, newest first; admins may name another customer.
  app.get(
    '/order-history',
    {
      schema: {
        summary: 'List order history',
        operationId: 'listOrderHistory',
        tags: ['order-history'],
        security: apiSecurity.user,
        problems: problemsOf(orderHistoryErrorCodes, 'ORDER_HISTORY_INVALID_CURSOR'),
        querystring: ListOrderHistoryQuery,
        response: { 200: OrderHistoryPage },
      },
    },
    async (request) => {
      const user = requireUser(request)
      const { limit, after, customerId } = request.query
      if (customerId !== undefined && !isOwnerOrAdmin(user, customerId))
        throw new Forbidden("Only admins may list another customer's orders")
      const afterId = after === undefined ? undefined : decodeIdCursor(after)
      if (after !== undefined && afterId === undefined) throw new InvalidCursor()
      const entries = await listHistory(sql, customerId ?? user.id, limit + 1, afterId)
      const page = entries.slice(0, limit)
      return { items: page, nextCursor: entries.length > limit ? encodeIdCursor(page.at(-1)!.orderId) : null }
    },
  )
}
