import type { DeliveredEvent, EventContract, EventData } from '@seams/core'
import type { OrderCancelledV1, OrderConfirmedV1, OrderPlacedV1, OrderRejectedV1 } from '@shop/orders-contracts'
import type {
  PaymentAuthorizedV1,
  PaymentCapturedV1,
  PaymentFailedV1,
  PaymentRefundedV1,
  PaymentVoidedV1,
} from '@shop/payments-contracts'
import type { OrderFact, PaymentFact } from './history-entry.ts'

// What each published event means for an entry: pure mappings from the producers' contracts.

type Delivered<C extends EventContract> = DeliveredEvent<EventData<C>>
type PaymentContract =
  | typeof PaymentAuthorizedV1
  | typeof PaymentFailedV1
  | typeof PaymentCapturedV1
  | typeof PaymentVoidedV1
  | typeof PaymentRefundedV1

function headOf(event: DeliveredEvent<{ orderId: string; customerId: string }>) {
  return {
    orderId: event.data.orderId,
    customerId: event.data.customerId,
    version: event.aggregateversion,
    at: new Date(event.time),
  }
}

/** Placed: the lines as ordered, priced only once the stock is reserved. */
export const placedFact = (event: Delivered<typeof OrderPlacedV1>): OrderFact => ({
  ...headOf(event),
  status: 'PENDING',
  reason: null,
  items: event.data.items.map((item) => ({ productId: item.productId, quantity: item.quantity, unitPriceCents: null })),
})

/** Confirmed: the lines with the prices reserved at, the total and the payment that holds it. */
export const confirmedFact = (event: Delivered<typeof OrderConfirmedV1>): OrderFact => ({
  ...headOf(event),
  status: 'CONFIRMED',
  reason: null,
  items: event.data.items.map((item) => ({
    productId: item.productId,
    quantity: item.quantity,
    unitPriceCents: item.unitPriceCents,
  })),
  totalCents: event.data.totalCents,
  currency: event.data.currency,
  paymentId: event.data.paymentId,
})

export const rejectedFact = (event: Delivered<typeof OrderRejectedV1>): OrderFact => ({
  ...headOf(event),
  status: 'REJECTED',
  reason: event.data.reason,
})

// OrderCancelled names the id set aside for the payment even when none was ever made, so its paymentId
// is not taken: the payment's own events say whether the payment exists.
export const cancelledFact = (event: Delivered<typeof OrderCancelledV1>): OrderFact => ({
  ...headOf(event),
  status: 'CANCELLED',
  reason: event.data.reason,
})

/** Every payments event carries the payment's whole public state, so one mapping serves them all. */
export const paymentFact = (event: Delivered<PaymentContract>): PaymentFact => ({
  ...headOf(event),
  paymentId: event.data.paymentId,
  status: event.data.status,
})
