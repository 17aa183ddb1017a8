import type { PaymentStatus } from '@shop/payments-contracts'
import type { ProviderDecision } from '../payment-provider/payment-provider.ts'

/** What is being paid; a repeated payment id must carry the same terms to count as a retry. */
export interface PaymentTerms {
  orderId: string
  customerId: string
  amountCents: number
  currency: string
}

export interface PaymentState {
  status: PaymentStatus
  terms: PaymentTerms
  failureReason: string | null
}

export type PaymentEvent =
  | { type: 'AuthorizationRequested'; terms: PaymentTerms }
  | { type: 'PaymentAuthorized' }
  | { type: 'PaymentFailed'; reason: string }
  | { type: 'PaymentCaptured' }
  | { type: 'PaymentVoided' }
  | { type: 'PaymentRefunded' }

export type PaymentCommand =
  | { type: 'RequestAuthorization'; terms: PaymentTerms }
  | { type: 'RecordProviderDecision'; decision: ProviderDecision }
  | { type: 'Capture' }
  | { type: 'Void' }
  | { type: 'Refund' }

/** Events to record (none when the command already took effect), or why the command is refused. */
export type PaymentDecision =
  | { ok: true; events: PaymentEvent[] }
  | { ok: false; reason: 'UNKNOWN_PAYMENT' }
  | { ok: false; reason: 'ILLEGAL_TRANSITION'; command: PaymentCommand['type']; status: PaymentStatus }
  | { ok: false; reason: 'IDEMPOTENCY_MISMATCH'; fields: (keyof PaymentTerms)[] }

type Settlement = 'Capture' | 'Void' | 'Refund'

/** Each settlement moves from one status; `done` are the statuses in which it has already happened. */
const settlements: Record<Settlement, { from: PaymentStatus; event: PaymentEvent; done: readonly PaymentStatus[] }> = {
  Capture: { from: 'authorized', event: { type: 'PaymentCaptured' }, done: ['captured', 'refunded'] },
  Void: { from: 'authorized', event: { type: 'PaymentVoided' }, done: ['voided'] },
  Refund: { from: 'captured', event: { type: 'PaymentRefunded' }, done: ['refunded'] },
}

const termFields = ['orderId', 'customerId', 'amountCents', 'currency'] as const

const emit = (...events: PaymentEvent[]): PaymentDecision => ({ ok: true, events })

/** The payment state machine: pending → authorized | failed; authorized → captured | voided; captured → refunded. */
export function decide(state: PaymentState | undefined, command: PaymentCommand): PaymentDecision {
  if (command.type === 'RequestAuthorization') {
    if (state === undefined) return emit({ type: 'AuthorizationRequested', terms: command.terms })
    const fields = termFields.filter((field) => state.terms[field] !== command.terms[field])
    return fields.length === 0 ? emit() : { ok: false, reason: 'IDEMPOTENCY_MISMATCH', fields }
  }
  if (state === undefined) return { ok: false, reason: 'UNKNOWN_PAYMENT' }
  if (command.type === 'RecordProviderDecision') {
    // Anything past pending means the provider's answer was recorded before; it cannot differ.
    if (state.status !== 'pending') return emit()
    return emit(
      command.decision.approved
        ? { type: 'PaymentAuthorized' }
        : { type: 'PaymentFailed', reason: command.decision.reason },
    )
  }
  const settlement = settlements[command.type]
  if (settlement.done.includes(state.status)) return emit()
  if (state.status !== settlement.from)
    return { ok: false, reason: 'ILLEGAL_TRANSITION', command: command.type, status: state.status }
  return emit(settlement.event)
}

const statusAfter: Record<Exclude<PaymentEvent['type'], 'AuthorizationRequested' | 'PaymentFailed'>, PaymentStatus> = {
  PaymentAuthorized: 'authorized',
  PaymentCaptured: 'captured',
  PaymentVoided: 'voided',
  PaymentRefunded: 'refunded',
}

/** The state after an event; the first event of a payment is always its authorization request. */
export function evolve(state: PaymentState | undefined, event: PaymentEvent): PaymentState {
  if (event.type === 'AuthorizationRequested') return { status: 'pending', terms: event.terms, failureReason: null }
  if (state === undefined) throw new Error(`${event.type} cannot be a payment's first event`)
  if (event.type === 'PaymentFailed') return { ...state, status: 'failed', failureReason: event.reason }
  return { ...state, status: statusAfter[event.type] }
}
