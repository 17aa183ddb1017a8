import {
  apiSecurity,
  mayRead,
  problemsOf,
  requireReader,
  type Reader,
  type ServiceApp,
  type Sql,
} from '@seams/service-kit'
import { FindPaymentQuery, IdParams, Payment, paymentsErrorCodes } from '@shop/payments-contracts'
import { PaymentNotFound } from '../errors.ts'
import { findPayment, findPaymentByOrder } from '../payments/payment-store.ts'

const visible = (reader: Reader, payment: Payment | undefined): payment is Payment =>
  payment !== undefined && mayRead(reader, payment.customerId)

/**
 * The paying customer, admins and `readers` (orders settling a payment) may see a payment; anyone
 * else is told it does not exist, so ids cannot be probed for other customers' payments.
 */
export function viewPaymentsRoutes(app: ServiceApp, deps: { sql: Sql; readers: readonly string[] }): void {
  const { sql } = deps

  // One payment, for the order saga's recovery, order history and the paying customer.
  app.get(
    '/payments/:id',
    {
      schema: {
        summary: 'Get a payment',
        operationId: 'getPayment',
        tags: ['payments'],
        security: apiSecurity.userOrService,
        problems: problemsOf(paymentsErrorCodes, 'PAYMENTS_PAYMENT_NOT_FOUND'),
        params: IdParams,
        response: { 200: Payment },
      },
    },
    async (request) => {
      const reader = requireReader(request, deps.readers)
      const payment = await findPayment(sql, request.params.id)
      if (!visible(reader, payment)) throw new PaymentNotFound(`No payment ${request.params.id}`)
      return payment
    },
  )

  // The order's payment: an order has at most one, so this answers it or 404 rather than a list.
  app.get(
    '/payments',
    {
      schema: {
        summary: 'Find the payment of an order',
        operationId: 'findPaymentByOrder',
        tags: ['payments'],
        security: apiSecurity.userOrService,
        problems: problemsOf(paymentsErrorCodes, 'PAYMENTS_PAYMENT_NOT_FOUND'),
        querystring: FindPaymentQuery,
        response: { 200: Payment },
      },
    },
    async (request) => {
      const reader = requireReader(request, deps.readers)
      const payment = await findPaymentByOrder(sql, request.query.orderId)
      if (!visible(reader, payment)) throw new PaymentNotFound(`No payment for order ${request.query.orderId}`)
      return payment
    },
  )
}
