import { randomUUID } from 'node:crypto'

/** What a virtual user does, with its share of requests. Shares are per cent and must add up to 100. */
export interface Mix {
  browse: number
  productDetail: number
  /** One order as its owner serves it (not in the default mix: the per-endpoint cost table measures it). */
  order: number
  orderDetails: number
  orderHistory: number
  placeOrder: number
  profileUpdate: number
}

export const defaultMix: Mix = {
  browse: 55,
  productDetail: 10,
  order: 0,
  orderDetails: 8,
  orderHistory: 10,
  placeOrder: 12,
  profileUpdate: 5,
}

export type Endpoint = keyof Mix

export interface VirtualUser {
  index: number
  id: string
  token: string
  orders: string[]
}

export interface PlannedRequest {
  endpoint: Endpoint
  method: 'GET' | 'POST' | 'PATCH'
  path: string
  body?: string
  headers: Record<string, string>
}

export function pickEndpoint(mix: Mix, roll: number): Endpoint {
  let threshold = 0
  for (const [endpoint, share] of Object.entries(mix) as [Endpoint, number][]) {
    threshold += share / 100
    if (roll < threshold) return endpoint
  }
  return 'browse'
}

/** The request a user makes for an endpoint; a user with no order yet browses instead of asking for details. */
export function planRequest(
  endpoint: Endpoint,
  user: VirtualUser,
  productIds: readonly string[],
  random: () => number,
): PlannedRequest {
  const headers: Record<string, string> = { authorization: `Bearer ${user.token}` }
  const product = () => productIds[Math.floor(random() * productIds.length)]!
  const cursor = () => Buffer.from(`BENCH-${String(Math.floor(random() * 180)).padStart(4, '0')}`).toString('base64url')
  switch (endpoint) {
    case 'browse':
      return {
        endpoint,
        method: 'GET',
        path: `/api/products?limit=20${random() < 0.5 ? '' : `&after=${cursor()}`}`,
        headers,
      }
    case 'productDetail':
      return { endpoint, method: 'GET', path: `/api/products/${product()}`, headers }
    case 'order': {
      const order = user.orders[Math.floor(random() * user.orders.length)]
      if (order === undefined) return planRequest('browse', user, productIds, random)
      return { endpoint, method: 'GET', path: `/api/orders/${order}`, headers }
    }
    case 'orderDetails': {
      const order = user.orders[Math.floor(random() * user.orders.length)]
      if (order === undefined) return planRequest('browse', user, productIds, random)
      return { endpoint, method: 'GET', path: `/api/orders/${order}/details`, headers }
    }
    case 'orderHistory':
      return { endpoint, method: 'GET', path: '/api/order-history?limit=10', headers }
    case 'placeOrder': {
      const items = random() < 0.7 ? [product()] : [product(), product()]
      const body = JSON.stringify({ items: [...new Set(items)].map((productId) => ({ productId, quantity: 1 })) })
      return {
        endpoint,
        method: 'POST',
        path: '/api/orders',
        body,
        headers: { ...headers, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      }
    }
    case 'profileUpdate':
      return {
        endpoint,
        method: 'PATCH',
        path: `/api/users/${user.id}`,
        body: JSON.stringify({ name: `Bench User ${user.index} ${Math.floor(random() * 1000)}` }),
        headers: { ...headers, 'content-type': 'application/json' },
      }
  }
}

/** A mix of one endpoint only: what the per-endpoint cost runs send. */
export function onlyMix(endpoint: Endpoint): Mix {
  const mix = Object.fromEntries(Object.keys(defaultMix).map((name) => [name, 0])) as unknown as Mix
  return { ...mix, [endpoint]: 100 }
}
