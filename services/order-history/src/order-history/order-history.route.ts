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
import {
  ListOrderHistoryQuery,
  OrderHistoryEntry,
  OrderHistoryPage,
  OrderHistoryParams,
  orderHistoryErrorCodes,
} from '@shop/order-history-contracts'
import { EntryNotFound, InvalidCursor } from '../errors.ts'
import { decodeCursor, encodeCursor } from './history-cursor.ts'
import { findEntry, listEntries } from './order-history-store.ts'

export function orderHistoryRoutes(app: ServiceApp, deps: { sql: Sql }): void {
  const { sql } = deps

  // One order with its payment and current names, from this service's own tables only.
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
      const entry = await findEntry(sql, request.params.orderId)
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
      const key = after === undefined ? undefined : decodeCursor(after)
      if (after !== undefined && key === undefined) throw new InvalidCursor()
      const entries = await listEntries(sql, customerId ?? user.id, limit + 1, key)
      const page = entries.slice(0, limit)
      const last = page.at(-1)
      return { items: page, nextCursor: entries.length > limit && last !== undefined ? encodeCursor(last) : null }
    },
  )
}
