import { apiSecurity, problemsOf, requireService, type ServiceApp } from '@seams/service-kit'
import { IdParams, Payment, paymentsErrorCodes } from '@shop/payments-contracts'
import { changePayment, type ChangePaymentDeps } from '../payments/change-payment.ts'

export interface CaptureVoidRefundDeps extends ChangePaymentDeps {
  /** Services allowed to capture, void and refund. */
  paymentCallers: readonly string[]
}

const actions = [
  { path: 'capture', command: 'Capture', summary: 'Capture an authorized payment (services only)' },
  { path: 'void', command: 'Void', summary: 'Void an authorized payment (services only)' },
  { path: 'refund', command: 'Refund', summary: 'Refund a captured payment (services only)' },
] as const

export function captureVoidRefundRoutes(app: ServiceApp, deps: CaptureVoidRefundDeps): void {
  for (const action of actions) {
    // Called by the checkout saga to finish or compensate a payment; a repeat answers the current state.
    app.post(
      `/payments/:id/${action.path}`,
      {
        schema: {
          summary: action.summary,
          operationId: `${action.path}Payment`,
          tags: ['payments'],
          security: apiSecurity.service,
          problems: problemsOf(paymentsErrorCodes, 'PAYMENTS_PAYMENT_NOT_FOUND', 'PAYMENTS_ILLEGAL_TRANSITION'),
          params: IdParams,
          response: { 200: Payment },
        },
      },
      async (request) => {
        requireService(request, deps.paymentCallers)
        const outcome = await changePayment(deps, request.params.id, { type: action.command }, request.trace)
        return outcome.payment
      },
    )
  }
}
