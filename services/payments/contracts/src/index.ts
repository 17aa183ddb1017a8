export * from './http.ts'
export {
  PaymentAuthorizedV1,
  PaymentCapturedV1,
  PaymentFailedV1,
  PaymentRefundedV1,
  PaymentVoidedV1,
  paymentsEvents,
} from './events.ts'
export { createPaymentsClient } from './client.ts'
export type { AuthorizePaymentResult, PaymentsClient } from './client.ts'
export { paymentsErrorCodes } from './errors.ts'
export type { PaymentsErrorCode } from './errors.ts'
