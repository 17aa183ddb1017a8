import type { CallContext, HttpClient } from '@seams/http-client'
import type { Order } from './http.ts'

/** Typed calls to the orders service. */
export function createOrdersClient(http: HttpClient) {
  return {
    async getOrder(id: string, context: CallContext = {}): Promise<Order | undefined> {
      const response = await http.call<Order>(
        { method: 'GET', path: `/orders/${encodeURIComponent(id)}`, ...context },
        [404],
      )
      return response.status === 404 ? undefined : response.body
    },
  }
}

export type OrdersClient = ReturnType<typeof createOrdersClient>
