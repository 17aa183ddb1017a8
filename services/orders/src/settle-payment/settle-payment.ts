import type { CallContext } from '@seams/http-client'
import type { PaymentsClient } from '@shop/payments-contracts'

/**
 * Gives back whatever the order's payment holds: voids an authorization, refunds a capture. A payment
 * left pending by a call that never answered is settled first (authorize again with the same id), so
 * money held by a timed-out step is found and released too. Safe to repeat.
 */
export async function settlePayment(
  payments: PaymentsClient,
  order: { paymentId: string; orderId: string; customerId: string },
  context: CallContext,
): Promise<void> {
  let payment = await payments.getPayment(order.paymentId, context)
  if (payment === undefined) return
  if (payment.status === 'pending') {
    const { paymentId, orderId, customerId } = order
    payment = (
      await payments.authorize(
        { paymentId, orderId, customerId, amountCents: payment.amountCents, currency: payment.currency },
        context,
      )
    ).payment
  }
  if (payment.status === 'authorized') await payments.void(payment.id, context)
  else if (payment.status === 'captured') await payments.refund(payment.id, context)
}
