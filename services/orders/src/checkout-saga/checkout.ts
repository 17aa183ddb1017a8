import type { ReservationItem } from '@shop/catalog-contracts'

export interface ReservedLine {
  productId: string
  quantity: number
  unitPriceCents: number
  currency: string
}

/** What the checkout saga carries from step to step, saved with it. */
export interface CheckoutData {
  orderId: string
  customerId: string
  paymentId: string
  items: ReservationItem[]
  reserved?: ReservedLine[]
  /** The amount payments authorized: confirming the order records exactly this. */
  authorized?: { totalCents: number; currency: string }
  traceparent?: string
}

export type Charge = { ok: true; totalCents: number; currency: string } | { ok: false; reason: string }

/** The amount to authorize for the reserved lines; one currency per order. */
export function chargeFor(lines: readonly ReservedLine[]): Charge {
  const currencies = new Set(lines.map((line) => line.currency))
  if (currencies.size !== 1) return { ok: false, reason: `MIXED_CURRENCIES: ${[...currencies].sort().join(', ')}` }
  return {
    ok: true,
    totalCents: lines.reduce((sum, line) => sum + line.unitPriceCents * line.quantity, 0),
    currency: [...currencies][0]!,
  }
}
