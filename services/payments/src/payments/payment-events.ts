import {
  createEnvelope,
  formatTraceparent,
  type EnvelopeFactoryDeps,
  type EventEnvelope,
  type TraceContext,
} from '@seams/core'
import {
  PaymentAuthorizedV1,
  PaymentCapturedV1,
  PaymentFailedV1,
  PaymentRefundedV1,
  PaymentVoidedV1,
  type Payment,
} from '@shop/payments-contracts'
import type { PaymentEvent } from './payment.ts'

/**
 * The published envelope of a recorded event, carrying the payment's state after it. Undefined for the
 * authorization request: a pending payment is internal until the provider has answered.
 */
export function publishedEvent(
  deps: EnvelopeFactoryDeps,
  event: PaymentEvent,
  payment: Payment,
  trace: TraceContext,
): EventEnvelope | undefined {
  const meta = { subject: payment.id, aggregateVersion: payment.version, traceparent: formatTraceparent(trace) }
  const state = {
    paymentId: payment.id,
    orderId: payment.orderId,
    customerId: payment.customerId,
    amountCents: payment.amountCents,
    currency: payment.currency,
  }
  switch (event.type) {
    case 'AuthorizationRequested':
      return undefined
    case 'PaymentAuthorized':
      return createEnvelope(deps, PaymentAuthorizedV1, { ...meta, data: { ...state, status: 'authorized' } })
    case 'PaymentFailed':
      return createEnvelope(deps, PaymentFailedV1, {
        ...meta,
        data: { ...state, status: 'failed', failureReason: event.reason },
      })
    case 'PaymentCaptured':
      return createEnvelope(deps, PaymentCapturedV1, { ...meta, data: { ...state, status: 'captured' } })
    case 'PaymentVoided':
      return createEnvelope(deps, PaymentVoidedV1, { ...meta, data: { ...state, status: 'voided' } })
    case 'PaymentRefunded':
      return createEnvelope(deps, PaymentRefundedV1, { ...meta, data: { ...state, status: 'refunded' } })
  }
}
