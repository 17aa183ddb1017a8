import type { OrderStatus } from '@shop/orders-contracts'

export type CancelDecision =
  | { action: 'cancel-now' }
  | { action: 'start-cancellation' }
  | { action: 'already' }
  | { action: 'refuse'; reason: string }

/**
 * A pending order is cancelled at once (its checkout saga sees it and gives back what it took); a
 * confirmed one through the cancellation saga; a rejected one has nothing to cancel.
 */
export function decideCancel(order: { status: OrderStatus; cancelRequested: boolean }): CancelDecision {
  switch (order.status) {
    case 'PENDING':
      return { action: 'cancel-now' }
    case 'CONFIRMED':
      return order.cancelRequested ? { action: 'already' } : { action: 'start-cancellation' }
    case 'CANCELLED':
      return { action: 'already' }
    case 'REJECTED':
      return { action: 'refuse', reason: 'A rejected order holds nothing to cancel' }
  }
}
