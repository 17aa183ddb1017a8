import { createHash } from 'node:crypto'
import type { PlaceOrderRequest } from '@shop/orders-contracts'

/** Identifies a request body, so a reused Idempotency-Key with another body can be refused. */
export function requestHash(request: PlaceOrderRequest): string {
  return createHash('sha256')
    .update(JSON.stringify(request.items.map((item) => [item.productId, item.quantity])))
    .digest('base64url')
}

export type KeyClaim = { fresh: true } | { fresh: false; orderId: string; sameRequest: boolean }

/** What a claimed key means for this request. */
export function decideReplay(existing: { orderId: string; requestHash: string } | undefined, hash: string): KeyClaim {
  if (existing === undefined) return { fresh: true }
  return { fresh: false, orderId: existing.orderId, sameRequest: existing.requestHash === hash }
}
