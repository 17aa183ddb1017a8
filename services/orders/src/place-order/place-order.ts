import { createHash } from 'node:crypto'
import type { PlaceOrderRequest } from '@shop/orders-contracts'

/** Identifies a request body, so a reused Idempotency-Key with another body can be refused. */
export function requestHash(request: PlaceOrderRequest): string {
  return createHash('sha256')
    .update(JSON.stringify(request.items.map((item) => [item.productId, item.quantity])))
    .digest('base64url')
}

/** The order request that claimed an Idempotency-Key first; none before the key is used. */
export type ClaimedKey = { orderId: string; requestHash: string } | undefined
export type KeyEvent = { type: 'KeyClaimed'; orderId: string; requestHash: string }
export type PlaceOrderCommand = { type: 'PlaceOrder'; requestHash: string }
export type KeyClaim = { fresh: true } | { fresh: false; orderId: string; sameRequest: boolean }

/** What a claimed key means for this request: a new order, a replay of the first, or another request. */
export function decideReplay(command: PlaceOrderCommand, claimed: ClaimedKey): KeyClaim {
  if (claimed === undefined) return { fresh: true }
  return { fresh: false, orderId: claimed.orderId, sameRequest: claimed.requestHash === command.requestHash }
}

/** Placing an order with an Idempotency-Key, as a decider: the first claim of a key is the one that counts. */
export const placeOrderDecider = {
  initialState: (): ClaimedKey => undefined,
  evolve: (claimed: ClaimedKey, event: KeyEvent): ClaimedKey =>
    claimed ?? { orderId: event.orderId, requestHash: event.requestHash },
  decide: decideReplay,
}
