import type { ReservationItem } from '@shop/catalog-contracts'
import type { OrderStatus } from '@shop/orders-contracts'

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

/** What the checkout learnt along the way: the lines catalog reserved, and what payments authorized. */
export type CheckoutEvent =
  { type: 'StockReserved'; lines: ReservedLine[] } | { type: 'PaymentAuthorized'; totalCents: number; currency: string }

/** What the checkout's local steps are asked, with the order's status where it matters. */
export type CheckoutCommand =
  | { type: 'AuthorizePayment' }
  | { type: 'ConfirmOrder'; orderStatus: OrderStatus | undefined }
  | { type: 'RejectOrder'; orderStatus: OrderStatus | undefined }

export type CheckoutDecision =
  | { type: 'Refuse'; reason: string }
  | { type: 'Authorize'; amountCents: number; currency: string }
  | { type: 'Confirm'; totalCents: number; currency: string; unitPrices: Map<string, number> }
  | { type: 'Reject' }

export type CheckoutState = Pick<CheckoutData, 'reserved' | 'authorized'>

/**
 * The checkout saga's decisions, with no I/O: what to authorize for the reserved lines, whether the order
 * can be confirmed with the amount payments authorized (a cancellation that got there first turns the saga
 * around; a repeated step after a crash confirms nothing twice), and whether a compensated checkout rejects
 * the order. No decision is an empty list.
 */
export const checkoutDecider = {
  initialState: (): CheckoutState => ({}),
  evolve(state: CheckoutState, event: CheckoutEvent): CheckoutState {
    if (event.type === 'StockReserved') return { ...state, reserved: event.lines }
    return { ...state, authorized: { totalCents: event.totalCents, currency: event.currency } }
  },
  decide(command: CheckoutCommand, state: CheckoutState): CheckoutDecision[] {
    switch (command.type) {
      case 'AuthorizePayment': {
        const charge = chargeFor(state.reserved ?? [])
        return charge.ok
          ? [{ type: 'Authorize', amountCents: charge.totalCents, currency: charge.currency }]
          : [{ type: 'Refuse', reason: charge.reason }]
      }
      case 'ConfirmOrder': {
        const { reserved, authorized } = state
        if (reserved === undefined || authorized === undefined)
          throw new TypeError('the checkout reached confirm-order without a reservation and a charge')
        if (command.orderStatus === undefined || command.orderStatus === 'CANCELLED')
          return [{ type: 'Refuse', reason: 'ORDER_CANCELLED' }]
        if (command.orderStatus === 'CONFIRMED') return [] // this step ran before a crash
        const unitPrices = new Map(reserved.map((line) => [line.productId, line.unitPriceCents]))
        return [{ type: 'Confirm', ...authorized, unitPrices }]
      }
      case 'RejectOrder':
        // Cancelled meanwhile (or confirmed and then cancelled): its owner was told already.
        return command.orderStatus === 'PENDING' ? [{ type: 'Reject' }] : []
    }
  },
}
