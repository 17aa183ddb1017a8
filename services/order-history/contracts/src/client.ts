import type { CallContext, HttpClient } from '@seams/http-client'
import type { OrderHistoryEntry, OrderHistoryPage } from './http.ts'

/** What `list` may ask for; the service's defaults apply to what is left out. */
export interface OrderHistoryListOptions {
  limit?: number
  after?: string
  /** Admins only: whose orders; otherwise the acting user's. */
  customerId?: string
}

/** Typed calls to the order-history service; transport, retries and tokens come from the given HttpClient. */
export function createOrderHistoryClient(http: HttpClient) {
  return {
    /** One entry; undefined when it does not exist or the acting user may not see it. */
    async getEntry(orderId: string, context: CallContext = {}): Promise<OrderHistoryEntry | undefined> {
      const response = await http.call<OrderHistoryEntry>(
        { method: 'GET', path: `/order-history/${encodeURIComponent(orderId)}`, ...context },
        [404],
      )
      return response.status === 404 ? undefined : response.body
    },

    /** A page of the acting user's orders (or, for an admin, `customerId`'s), newest first. */
    async list(query: OrderHistoryListOptions = {}, context: CallContext = {}): Promise<OrderHistoryPage> {
      const { limit, after, customerId } = query
      return (
        await http.call<OrderHistoryPage>({
          method: 'GET',
          path: '/order-history',
          query: { limit, after, customerId },
          ...context,
        })
      ).body
    },
  }
}

export type OrderHistoryClient = ReturnType<typeof createOrderHistoryClient>
