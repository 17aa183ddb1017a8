import { apiSecurity, problemsOf, requireService, type ServiceApp, type Sql } from '@seams/service-kit'
import { AuthorizePaymentRequest, Payment, paymentsErrorCodes } from '@shop/payments-contracts'
import { OrderAlreadyPaid } from '../errors.ts'
import { authorizeWithin, type PaymentProvider } from '../payment-provider/payment-provider.ts'
import { changeReadPayment, refusalError, type ChangePaymentDeps } from '../payments/change-payment.ts'
import { decide } from '../payments/payment.ts'
import { findPayment, insertPendingPayment, stateOf } from '../payments/payment-store.ts'

export interface AuthorizePaymentDeps extends ChangePaymentDeps {
  provider: PaymentProvider
  /** Longest wait for the provider's answer before the service answers 503. */
  providerTimeoutMs: number
  /** Services allowed to authorize payments. */
  paymentCallers: readonly string[]
}

/**
 * The payment for this request: newly claimed as pending, or the one a previous attempt with the same
 * id left behind (whatever its state), unless that attempt named other terms or the order is taken.
 */
async function claimPayment(sql: Sql, request: AuthorizePaymentRequest): Promise<Payment> {
  const claimed = await insertPendingPayment(sql, request)
  if (claimed !== undefined) return claimed
  const existing = await findPayment(sql, request.paymentId)
  if (existing === undefined) {
    throw new OrderAlreadyPaid(`Order ${request.orderId} already has another payment`, {
      details: { orderId: request.orderId },
    })
  }
  const { paymentId: _paymentId, ...terms } = request
  const repeat = decide(stateOf(existing), { type: 'RequestAuthorization', terms })
  if (!repeat.ok) throw refusalError(request.paymentId, repeat)
  return existing
}

export function authorizePaymentRoutes(app: ServiceApp, deps: AuthorizePaymentDeps): void {
  // Called by the checkout saga. The claim commits before the provider is asked and the answer commits
  // after, so no transaction waits on the provider; a payment left pending by a crash or a provider
  // fault is completed by the next attempt with the same paymentId.
  app.post(
    '/payments',
    {
      schema: {
        summary: 'Authorize a payment (services only)',
        operationId: 'authorizePayment',
        tags: ['payments'],
        security: apiSecurity.service,
        problems: problemsOf(
          paymentsErrorCodes,
          'PAYMENTS_ORDER_ALREADY_PAID',
          'PAYMENTS_IDEMPOTENCY_MISMATCH',
          'PAYMENTS_PROVIDER_UNAVAILABLE',
          'PAYMENTS_PROVIDER_TIMEOUT',
        ),
        body: AuthorizePaymentRequest,
        response: { 200: Payment, 201: Payment },
      },
    },
    async (request, reply) => {
      requireService(request, deps.paymentCallers)
      const payment = await claimPayment(deps.outbox.sql, request.body)
      if (payment.status !== 'pending') return reply.code(200).send(payment)
      const decision = await authorizeWithin(deps.provider, request.body, deps.providerTimeoutMs)
      const command = { type: 'RecordProviderDecision', decision } as const
      const outcome = await changeReadPayment(deps, payment, command, request.trace)
      // 201 goes to the attempt that settled the payment; a racing or later repeat learns the same with 200.
      return reply.code(outcome.changed ? 201 : 200).send(outcome.payment)
    },
  )
}
