import { DeciderSpecification } from '@seams/testing'
import { describe, expect, it } from 'vitest'
import {
  decide,
  evolve,
  type PaymentCommand,
  type PaymentDecision,
  type PaymentEvent,
  type PaymentState,
  type PaymentTerms,
} from './payment.ts'

const terms: PaymentTerms = {
  orderId: '00000000-0000-7000-8000-0000000000a1',
  customerId: '00000000-0000-7000-8000-0000000000c1',
  amountCents: 4200,
  currency: 'EUR',
}

const requested: PaymentEvent = { type: 'AuthorizationRequested', terms }
const authorized: PaymentEvent = { type: 'PaymentAuthorized' }
const failed: PaymentEvent = { type: 'PaymentFailed', reason: 'card_declined' }
const captured: PaymentEvent = { type: 'PaymentCaptured' }
const voided: PaymentEvent = { type: 'PaymentVoided' }
const refunded: PaymentEvent = { type: 'PaymentRefunded' }

const approve: PaymentCommand = { type: 'RecordProviderDecision', decision: { approved: true } }
const decline: PaymentCommand = {
  type: 'RecordProviderDecision',
  decision: { approved: false, reason: 'insufficient_funds' },
}

const payments = DeciderSpecification.for({
  decide: (command: PaymentCommand, state: PaymentState | undefined) => decide(state, command),
  evolve,
  initialState: (): PaymentState | undefined => undefined,
})

/** Given a payment's history, when a command arrives, then these events or this refusal. */
function given(...history: PaymentEvent[]) {
  return {
    when: (command: PaymentCommand) => ({
      then: (expected: PaymentEvent[]) => payments(history).when(command).then({ ok: true, events: expected }),
      thenRefused: (expected: Extract<PaymentDecision, { ok: false }>) =>
        payments(history).when(command).then(expected),
    }),
  }
}

describe('authorizing', () => {
  it('starts a new payment as pending', () => {
    given().when({ type: 'RequestAuthorization', terms }).then([requested])
    expect(evolve(undefined, requested)).toEqual({ status: 'pending', terms, failureReason: null })
  })

  it("records the provider's approval or decline on a pending payment", () => {
    given(requested).when(approve).then([authorized])
    given(requested)
      .when(decline)
      .then([{ type: 'PaymentFailed', reason: 'insufficient_funds' }])
    expect(evolve(evolve(undefined, requested), failed)).toMatchObject({
      status: 'failed',
      failureReason: 'card_declined',
    })
  })

  it('treats a repeated request with the same terms as a retry, in every later state', () => {
    for (const history of [
      [requested],
      [requested, authorized],
      [requested, failed],
      [requested, authorized, captured, refunded],
    ]) {
      given(...history)
        .when({ type: 'RequestAuthorization', terms })
        .then([])
    }
  })

  it('refuses a repeated payment id with other terms, naming what differs', () => {
    given(requested, authorized)
      .when({ type: 'RequestAuthorization', terms: { ...terms, amountCents: 1, currency: 'USD' } })
      .thenRefused({ ok: false, reason: 'IDEMPOTENCY_MISMATCH', fields: ['amountCents', 'currency'] })
  })

  it("keeps the first recorded decision when the provider's answer arrives again", () => {
    given(requested, authorized).when(decline).then([])
    given(requested, failed).when(approve).then([])
    given(requested, authorized, voided).when(approve).then([])
  })
})

describe('capturing, voiding and refunding', () => {
  it('captures, voids and refunds from the one status each allows', () => {
    given(requested, authorized).when({ type: 'Capture' }).then([captured])
    given(requested, authorized).when({ type: 'Void' }).then([voided])
    given(requested, authorized, captured).when({ type: 'Refund' }).then([refunded])
  })

  it('does nothing when the command already took effect', () => {
    given(requested, authorized, captured).when({ type: 'Capture' }).then([])
    given(requested, authorized, captured, refunded).when({ type: 'Capture' }).then([])
    given(requested, authorized, voided).when({ type: 'Void' }).then([])
    given(requested, authorized, captured, refunded).when({ type: 'Refund' }).then([])
  })

  it('refuses illegal transitions, saying from which status', () => {
    const cases: [PaymentEvent[], PaymentCommand['type'] & ('Capture' | 'Void' | 'Refund'), string][] = [
      [[requested, authorized, voided], 'Capture', 'voided'],
      [[requested], 'Capture', 'pending'],
      [[requested, failed], 'Capture', 'failed'],
      [[requested, authorized, captured], 'Void', 'captured'],
      [[requested, authorized, captured, refunded], 'Void', 'refunded'],
      [[requested, failed], 'Void', 'failed'],
      [[requested, authorized], 'Refund', 'authorized'],
      [[requested, authorized, voided], 'Refund', 'voided'],
    ]
    for (const [history, command, status] of cases) {
      given(...history)
        .when({ type: command })
        .thenRefused({ ok: false, reason: 'ILLEGAL_TRANSITION', command, status: status as never })
    }
  })

  it('refuses commands on a payment that does not exist', () => {
    for (const command of [approve, { type: 'Capture' }, { type: 'Void' }, { type: 'Refund' }] as PaymentCommand[]) {
      given().when(command).thenRefused({ ok: false, reason: 'UNKNOWN_PAYMENT' })
    }
  })
})

describe('evolve', () => {
  it('refuses a history that does not start with the authorization request', () => {
    expect(() => evolve(undefined, authorized)).toThrow(/first event/)
  })
})
