import { InvalidEvent } from '@seams/core'
import { SchemaViolation, UnknownSchema } from '@seams/schema-registry'
import { DeciderSpecification } from '@seams/testing'
import { describe, expect, it } from 'vitest'
import { deliveryDecider, freshInOrder, type DeliveryDecision } from './consumer-decisions.ts'

const given = DeciderSpecification.for(deliveryDecider({ maxAttempts: 3, retryDelayMs: 50 }))

const envelope = {
  specversion: '1.0',
  id: '0190d7a4-0000-7000-8000-000000000001',
  source: 'notes',
  type: 'notes.NoteWritten',
  subject: 'n-1',
  aggregateversion: 1,
  position: 7,
}
const handlerBug = new Error('cannot read properties of undefined')
const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' })
const connectionLost = Object.assign(new Error('write CONNECTION_CLOSED'), { code: 'CONNECTION_CLOSED' })
const retried = (attempt: number): DeliveryDecision => ({ type: 'Retry', attempt, delayMs: 50 * 2 ** (attempt - 1) })

describe('the consumer, receiving a message', () => {
  it('accepts a well-formed envelope', () => {
    given([]).when({ type: 'Receive', event: envelope }).then({ type: 'Accept' })
  })

  it('dead-letters a malformed one at once, saying what is wrong', () => {
    given([])
      .when({ type: 'Receive', event: { ...envelope, id: 'event-1', aggregateversion: 0 } })
      .then({
        type: 'DeadLetter',
        reason: 'malformed',
        attempts: 1,
        problems: 'id must be a UUID, got "event-1"; aggregateversion must be a positive integer, got 0',
      })
  })

  it('dead-letters what is no envelope at all', () => {
    given([])
      .when({ type: 'Receive', event: 'not json' })
      .then({ type: 'DeadLetter', reason: 'malformed', attempts: 1, problems: 'not a JSON object' })
  })
})

describe('the consumer, claiming an event in its inbox', () => {
  it('applies an event it has not seen', () => {
    given([]).when({ type: 'Claim', fresh: true }).then({ type: 'Apply' })
  })

  it('skips one it applied before (a redelivery): only its cursor moves', () => {
    given([]).when({ type: 'Claim', fresh: false }).then({ type: 'Skip' })
  })

  it('keeps the events of a batch whose inbox rows are new, in feed order, each id once', () => {
    const events = ['a', 'b', 'c', 'b', 'd'].map((id, position) => ({ id, position }))
    expect(freshInOrder(events, ['d', 'b', 'a'])).toEqual([
      { id: 'a', position: 0 },
      { id: 'b', position: 1 },
      { id: 'd', position: 4 },
    ])
  })
})

describe('the consumer, when applying fails', () => {
  it('isolates a failing batch, so that only the failing event is retried', () => {
    given([]).when({ type: 'BatchFailed', error: handlerBug }).then({ type: 'Isolate' })
  })

  it.each([
    ['a deadlock', deadlock],
    ['a lost connection', connectionLost],
  ])('hands the batch back on %s, which is not the events fault', (_case, error) => {
    given([]).when({ type: 'BatchFailed', error }).then({ type: 'Redeliver' })
    given([retried(1), retried(2)])
      .when({ type: 'HandlerFailed', error })
      .then({ type: 'Redeliver' })
  })

  it('retries a failing event with a doubling pause', () => {
    given([]).when({ type: 'HandlerFailed', error: handlerBug }).then(retried(1))
    given([retried(1)])
      .when({ type: 'HandlerFailed', error: handlerBug })
      .then(retried(2))
  })

  it('dead-letters it once its attempts are used up', () => {
    given([retried(1), retried(2)])
      .when({ type: 'HandlerFailed', error: handlerBug })
      .then({ type: 'DeadLetter', reason: 'exhausted', attempts: 3 })
  })

  it.each([
    ['an unknown or newer schema', new UnknownSchema('notes.NoteWritten.v9 is not known')],
    ['data violating its schema', new SchemaViolation('/note must be string')],
    ['an invalid event', new InvalidEvent('not an event')],
  ])('dead-letters %s at the first attempt: no attempt can repair it', (_case, error) => {
    given([]).when({ type: 'HandlerFailed', error }).then({ type: 'DeadLetter', reason: 'poison', attempts: 1 })
  })
})
