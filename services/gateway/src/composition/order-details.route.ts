import { UpstreamRejected, UpstreamUnavailable } from '@seams/http-client'
import { Unauthenticated, withDeadline } from '@seams/core'
import { kitProblemCodes, problemsOf, type ServiceApp } from '@seams/service-kit'
import type { Product } from '@shop/catalog-contracts'
import { createOrdersClient } from '@shop/orders-contracts'
import { createPaymentsClient } from '@shop/payments-contracts'
import { createUsersClient } from '@shop/users-contracts'
import Type, { type Static } from 'typebox'
import { gatewayErrorCodes, OrderNotFound, ServiceUnavailable } from '../errors.ts'
import type { ProductCache } from '../product-cache/product-cache.ts'
import type { Upstreams } from '../routing/upstreams.ts'
import { OrderDetails, part } from './order-details.ts'

const Params = Type.Object({ id: Type.String({ format: 'uuid', maxLength: 36 }) })

export interface OrderDetailsDeps {
  upstreams: Upstreams
  products: ProductCache
  /** Deadline of the order itself, the one part the answer cannot do without. */
  orderTimeoutMs: number
  /** Deadline of each other part. */
  partTimeoutMs: number
}

/**
 * API composition: one order with its customer, products and payment, fetched from their four owners
 * in parallel, each under its own deadline, all as the calling user (so each owner applies its own
 * access rules). Only the order is essential; a part that fails or is late is marked unavailable.
 */
export function orderDetailsRoutes(app: ServiceApp, deps: OrderDetailsDeps): void {
  const orders = createOrdersClient(deps.upstreams.orders.client)
  const users = createUsersClient(deps.upstreams.users.client)
  const payments = createPaymentsClient(deps.upstreams.payments.client)

  app.get<{ Params: Static<typeof Params> }>(
    '/api/orders/:id/details',
    {
      schema: {
        summary: 'An order with its customer, products and payment (composed from four services)',
        operationId: 'getOrderDetails',
        tags: ['orders'],
        security: [{ accessToken: [] }],
        problems: [
          ...problemsOf(gatewayErrorCodes, 'GATEWAY_ORDER_NOT_FOUND', 'GATEWAY_SERVICE_UNAVAILABLE'),
          kitProblemCodes.noUser,
        ],
        params: Params,
        response: { 200: OrderDetails },
      },
    },
    async (request) => {
      // Every part is someone's own data: an anonymous client is asked to log in before anything is fetched.
      if (request.endUserToken === undefined) throw new Unauthenticated('Order details need a logged-in user')
      const context = { userToken: request.endUserToken, trace: request.trace }
      const failed = (owner: string) => (error: unknown) =>
        request.log.warn(
          { err: error, owner, orderId: request.params.id },
          'a part of the order details is unavailable',
        )
      const order = await withDeadline(deps.orderTimeoutMs, (signal) =>
        orders.getOrder(request.params.id, { ...context, signal }),
      ).catch((error: unknown) => {
        // Either way the client learns which owner failed, never the owner's own answer.
        if (error instanceof UpstreamRejected)
          request.log.error({ err: error }, 'orders refused a call the gateway made for a user')
        if (error instanceof UpstreamUnavailable || error instanceof UpstreamRejected) {
          throw new ServiceUnavailable('The orders service is unavailable; try again shortly', {
            cause: error,
            details: { service: 'orders' },
          })
        }
        throw error
      })
      if (order === undefined) throw new OrderNotFound(`No order ${request.params.id}`)
      const productIds = [...new Set(order.items.map((item) => item.productId))]
      // Products come through the same cache as product reads.
      const productOf = async (id: string, signal: AbortSignal): Promise<Product> => {
        const load = () =>
          deps.upstreams.catalog.client.forward({
            method: 'GET',
            path: `/products/${id}`,
            headers: { accept: 'application/json' },
            ...context,
            signal,
          })
        const cached = await deps.products.product(id, load)
        if (cached.hit) return JSON.parse(cached.json) as Product
        if (cached.loaded.status !== 200)
          throw new Error(`the catalog answered ${cached.loaded.status} for product ${id}`)
        return JSON.parse(cached.loaded.body.toString('utf8')) as Product
      }
      const [customer, products, payment] = await Promise.all([
        part(
          'users',
          async (signal) => {
            const user = await users.getUser(order.customerId, { ...context, signal })
            if (user === undefined) throw new Error('the users service does not know this customer')
            return user
          },
          deps.partTimeoutMs,
          failed('users'),
        ),
        part(
          'catalog',
          (signal) => Promise.all(productIds.map((id) => productOf(id, signal))),
          deps.partTimeoutMs,
          failed('catalog'),
        ),
        part(
          'payments',
          async (signal) =>
            order.paymentId === null
              ? null
              : ((await payments.getPayment(order.paymentId, { ...context, signal })) ?? null),
          deps.partTimeoutMs,
          failed('payments'),
        ),
      ])
      return { order, customer, products, payment }
    },
  )
}
