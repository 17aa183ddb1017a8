import { backoffDelay, InvalidEvent } from '@seams/core'
import { SchemaViolation, UnknownSchema } from '@seams/schema-registry'
import { envelopeProblems } from './envelope-check.ts'
import { isInfrastructureError } from './event-handler.ts'

/** What the consumer learnt about one delivered event, or about the batch it came in. */
export type DeliveryCommand =
  /** A message arrived; nothing has read it yet. */
  | { type: 'Receive'; event: unknown }
  /** The event's inbox row was written now (`fresh`), or it was there already. */
  | { type: 'Claim'; fresh: boolean }
  /** Applying a whole batch threw. */
  | { type: 'BatchFailed'; error: unknown }
  /** Applying this event alone threw. */
  | { type: 'HandlerFailed'; error: unknown }

/** What the consumer does about it. */
export type DeliveryDecision =
  | { type: 'Accept' }
  | { type: 'Apply' }
  /** Already applied (a redelivery): only the cursor moves. */
  | { type: 'Skip' }
  /** Apply the batch's events one by one, so that only the failing one is retried. */
  | { type: 'Isolate' }
  | { type: 'Retry'; attempt: number; delayMs: number }
  | { type: 'DeadLetter'; reason: 'malformed' | 'poison' | 'exhausted'; attempts: number; problems?: string }
  /** The database or network failed, not the event: give up the batch, the transport delivers it again. */
  | { type: 'Redeliver' }

/** How many attempts at the event failed so far, from the retries decided. */
export interface DeliveryState {
  failedAttempts: number
}

export interface DeliveryPolicy {
  /**
   * Attempts at an event whose handler throws before it is dead-lettered.
   * @default 5
   */
  maxAttempts?: number
  /**
   * Pause before the second attempt; doubled for each later one.
   * @default 50
   */
  retryDelayMs?: number
}

// Events no retry can fix (a schema that is unknown, newer, or violated): dead-lettered at the first attempt.
const poisonErrors = [UnknownSchema, SchemaViolation, InvalidEvent]
const isPoison = (error: unknown) => poisonErrors.some((poison) => error instanceof poison)

/**
 * The consumer's decisions about one event, with no I/O: accept or dead-letter what arrives, apply or
 * skip what the inbox claims, isolate a failing batch, and retry, dead-letter or hand back a failing event.
 */
export function deliveryDecider(policy: DeliveryPolicy = {}) {
  const maxAttempts = policy.maxAttempts ?? 5
  const retryDelayMs = policy.retryDelayMs ?? 50
  return {
    initialState: (): DeliveryState => ({ failedAttempts: 0 }),

    evolve(state: DeliveryState, decision: DeliveryDecision): DeliveryState {
      return decision.type === 'Retry' ? { failedAttempts: decision.attempt } : state
    },

    decide(command: DeliveryCommand, state: DeliveryState): DeliveryDecision {
      switch (command.type) {
        case 'Receive': {
          // Before anything reads it: the inbox keys on the id, the handler is chosen by the type.
          const problems = envelopeProblems(command.event)
          return problems.length === 0
            ? { type: 'Accept' }
            : { type: 'DeadLetter', reason: 'malformed', attempts: 1, problems: problems.join('; ') }
        }
        case 'Claim':
          return command.fresh ? { type: 'Apply' } : { type: 'Skip' }
        case 'BatchFailed':
          return isInfrastructureError(command.error) ? { type: 'Redeliver' } : { type: 'Isolate' }
        case 'HandlerFailed': {
          if (isInfrastructureError(command.error)) return { type: 'Redeliver' }
          const attempt = state.failedAttempts + 1
          if (isPoison(command.error)) return { type: 'DeadLetter', reason: 'poison', attempts: attempt }
          if (attempt >= maxAttempts) return { type: 'DeadLetter', reason: 'exhausted', attempts: attempt }
          return {
            type: 'Retry',
            attempt,
            delayMs: backoffDelay(attempt - 1, { baseMs: retryDelayMs, maxMs: Infinity }),
          }
        }
      }
    },
  }
}

/** The events of a batch whose inbox rows were written now, in feed order; a repeated id applies once. */
export function freshInOrder<E extends { id: string }>(events: readonly E[], freshIds: Iterable<string>): E[] {
  const fresh = new Set(freshIds)
  return events.filter((event) => fresh.delete(event.id))
}
