import { createHash } from 'node:crypto'
import type { Product, ReservationItem } from '@shop/catalog-contracts'

export interface ReservedLine {
  productId: string
  quantity: number
  unitPriceCents: number
  currency: string
}

export type ReservationDecision =
  | { ok: true; lines: ReservedLine[] }
  | { ok: false; reason: 'OUT_OF_STOCK' | 'UNKNOWN_PRODUCT'; productId: string; requested: number; available: number }

/** One line per product, quantities summed, in product id order (the order rows are locked in). */
export function mergeItems(items: readonly ReservationItem[]): ReservationItem[] {
  const totals = new Map<string, number>()
  for (const item of items) totals.set(item.productId, (totals.get(item.productId) ?? 0) + item.quantity)
  return [...totals.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([productId, quantity]) => ({ productId, quantity }))
}

/** Identifies a reservation request, so a repeated id with other items can be told apart from a retry. */
export function requestHash(items: readonly ReservationItem[]): string {
  return createHash('sha256')
    .update(JSON.stringify(mergeItems(items)))
    .digest('base64url')
}

/** All lines or none: the first product missing or short decides the refusal. */
export function decideReservation(
  items: readonly ReservationItem[],
  products: readonly Product[],
): ReservationDecision {
  const byId = new Map(products.map((product) => [product.id, product]))
  const lines: ReservedLine[] = []
  for (const item of mergeItems(items)) {
    const product = byId.get(item.productId)
    if (product === undefined)
      return { ok: false, reason: 'UNKNOWN_PRODUCT', productId: item.productId, requested: item.quantity, available: 0 }
    if (product.stockOnHand < item.quantity) {
      return {
        ok: false,
        reason: 'OUT_OF_STOCK',
        productId: item.productId,
        requested: item.quantity,
        available: product.stockOnHand,
      }
    }
    lines.push({
      productId: product.id,
      quantity: item.quantity,
      unitPriceCents: product.priceCents,
      currency: product.currency,
    })
  }
  return { ok: true, lines }
}
