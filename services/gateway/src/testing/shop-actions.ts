import { randomBytes } from 'node:crypto'
import type { Product } from '@shop/catalog-contracts'
import type { Order } from '@shop/orders-contracts'
import { eventually } from '@seams/testing'
import type { ShopClient } from './shop-client.ts'

/** What the admin and customers do through the gateway in several specs: add products, place orders. */
export interface ShopActions {
  addProduct(fields?: { name?: string; priceCents?: number; stockOnHand?: number }): Promise<Product>
  /** Places an order as the customer holding `token`, with an Idempotency-Key of its own; the order's id. */
  placeOrder(token: string, items: { productId: string; quantity: number }[]): Promise<string>
  /** Waits until the order is CONFIRMED (and fails if it settles otherwise). */
  confirmed(token: string, orderId: string): Promise<Order>
}

export function shopActions(client: ShopClient, adminToken: string): ShopActions {
  return {
    async addProduct(fields = {}) {
      const sku = `GW-${randomBytes(4).toString('hex')}`
      const body = {
        sku,
        name: fields.name ?? `Lamp ${sku}`,
        priceCents: fields.priceCents ?? 1999,
        currency: 'EUR',
        stockOnHand: fields.stockOnHand ?? 10,
      }
      const response = await client.send('POST', '/api/products', { token: adminToken, body })
      if (response.status !== 201)
        throw new Error(`adding a product answered ${response.status}: ${await response.text()}`)
      return (await response.json()) as Product
    },

    async placeOrder(token, items) {
      const headers = { 'idempotency-key': `gw-${randomBytes(8).toString('hex')}` }
      const response = await client.send('POST', '/api/orders', { token, body: { items }, headers })
      if (response.status !== 202)
        throw new Error(`placing an order answered ${response.status}: ${await response.text()}`)
      return ((await response.json()) as { orderId: string }).orderId
    },

    async confirmed(token, orderId) {
      let order: Order | undefined
      await eventually(`order ${orderId} settling`, async () => {
        order = (await (await client.send('GET', `/api/orders/${orderId}`, { token })).json()) as Order
        return order.status !== 'PENDING'
      })
      if (order?.status !== 'CONFIRMED')
        throw new Error(`order ${orderId} settled as ${order?.status}: ${order?.reason}`)
      return order
    },
  }
}
