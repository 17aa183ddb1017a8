import type { Caller, ServiceApp, Sql } from '@seams/service-kit'
import { FindPaymentQuery, IdParams, Payment } from '@shop/payments-contracts'
import { PaymentNotFound } from '../errors.ts'
import { findPayment, findPaymentByOrder } from '../payments/payment-store.ts'

/**
 * Services reading for themselves, admins and the paying customer may see a payment. Anyone else is
 * told it does not exist, so ids cannot be probed for other customers' payments.
 */
function visible(caller: Caller | undefined, payment: Payment | undefined): payment is Payment {
  if (payment === undefined || caller === undefined) return false
  const user = caller.user
  return user === undefined || user.role === 'admin' || user.id === payment.customerId
}

export function viewPaymentsRoutes(app: ServiceApp, deps: { sql: Sql }): void {
  const { sql } = deps

  // One payment, for the order saga's recovery, order history and the paying customer.
  app.get('/payments/:id', { schema: { summary: 'Get a payment', tags: ['payments'], params: IdParams, response: { 200: Payment } } }, async (request) => {
    const payment = await findPayment(sql, request.params.id)
    if (!visible(request.caller, payment)) throw new PaymentNotFound(`No payment ${request.params.id}`)
    return payment
  })

  // The order's payment: an order has at most one, so this answers it or 404 rather than a list.
  app.get('/payments', { schema: { summary: 'Find the payment of an order', tags: ['payments'], querystring: FindPaymentQuery, response: { 200: Payment } } }, async (request) => {
    const payment = await findPaymentByOrder(sql, request.query.orderId)
    if (!visible(request.caller, payment)) throw new PaymentNotFound(`No payment for order ${request.query.orderId}`)
    return payment
  })
}
