import type { Clock, IdGenerator, SeamsError, TraceContext } from '@seams/core'
import type { Outbox } from '@seams/outbox'
import type { TransactionSql } from '@seams/service-kit'
import type { Payment } from '@shop/payments-contracts'
import { IdempotencyMismatch, IllegalTransition, PaymentNotFound } from '../errors.ts'
import { decide, evolve, type PaymentCommand, type PaymentDecision } from './payment.ts'
import { publishedEvent } from './payment-events.ts'
import { lockPayment, saveState, saveStateAt, stateOf } from './payment-store.ts'

export interface ChangePaymentDeps {
  outbox: Outbox
  newId: IdGenerator
  now: Clock
}

/** A command on a payment that exists; the first one, the authorization request, is a claim instead. */
export type ChangeCommand = Exclude<PaymentCommand, { type: 'RequestAuthorization' }>

export interface ChangeOutcome {
  payment: Payment
  /** False when the command had already taken effect: nothing was written or published. */
  changed: boolean
}

export function refusalError(paymentId: string, refusal: Extract<PaymentDecision, { ok: false }>): SeamsError {
  switch (refusal.reason) {
    case 'UNKNOWN_PAYMENT':
      return new PaymentNotFound(`No payment ${paymentId}`)
    case 'ILLEGAL_TRANSITION':
      return new IllegalTransition(
        `Cannot ${refusal.command.toLowerCase()} payment ${paymentId}: it is ${refusal.status}`,
        {
          details: { paymentId, paymentStatus: refusal.status },
        },
      )
    case 'IDEMPOTENCY_MISMATCH':
      return new IdempotencyMismatch(`Payment ${paymentId} was requested with another ${refusal.fields.join(', ')}`, {
        details: { paymentId, fields: refusal.fields },
      })
  }
}

/**
 * Decides a command against the locked payment and records the outcome and its events in the given
 * transaction, so a published event always matches a committed state and a repeat publishes nothing.
 */
export async function changePaymentIn(
  tx: TransactionSql,
  deps: ChangePaymentDeps,
  paymentId: string,
  command: ChangeCommand,
  trace: TraceContext,
): Promise<ChangeOutcome> {
  const current = await lockPayment(tx, paymentId)
  if (current === undefined) throw new PaymentNotFound(`No payment ${paymentId}`)
  const decision = decide(stateOf(current), command)
  if (!decision.ok) throw refusalError(paymentId, decision)
  if (decision.events.length === 0) return { payment: current, changed: false }
  // A command records one event, so the state after it is the state every envelope carries.
  const next = decision.events.reduce(evolve, stateOf(current))
  const saved = await saveState(tx, paymentId, next, current.version + decision.events.length)
  const envelopes = decision.events
    .map((event) => publishedEvent(deps, event, saved, trace))
    .filter((envelope) => envelope !== undefined)
  await deps.outbox.enqueue(tx, envelopes)
  return { payment: saved, changed: true }
}

/** {@link changePaymentIn} in a transaction of its own. */
export function changePayment(
  deps: ChangePaymentDeps,
  paymentId: string,
  command: ChangeCommand,
  trace: TraceContext,
): Promise<ChangeOutcome> {
  return deps.outbox.transaction((tx) => changePaymentIn(tx, deps, paymentId, command, trace))
}

/**
 * {@link changePayment} for a payment the caller has just read: decided against that state and written with
 * its events in one statement, provided nothing changed the payment since; otherwise decided again under the
 * row lock. One round trip instead of five when nobody races it, as when the checkout's authorization
 * records the provider's answer.
 */
export async function changeReadPayment(
  deps: ChangePaymentDeps,
  read: Payment,
  command: ChangeCommand,
  trace: TraceContext,
): Promise<ChangeOutcome> {
  const decision = decide(stateOf(read), command)
  if (!decision.ok || decision.events.length === 0) return changePayment(deps, read.id, command, trace)
  const next = decision.events.reduce(evolve, stateOf(read))
  const version = read.version + decision.events.length
  const after: Payment = { ...read, status: next.status, failureReason: next.failureReason, version }
  const envelopes = decision.events
    .map((event) => publishedEvent(deps, event, after, trace))
    .filter((envelope) => envelope !== undefined)
  const saved = await saveStateAt(deps.outbox, read.id, next, version, read.version, envelopes)
  return saved === undefined ? changePayment(deps, read.id, command, trace) : { payment: saved, changed: true }
}
