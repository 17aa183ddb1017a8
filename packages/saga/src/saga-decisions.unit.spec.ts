import { DeciderSpecification } from '@seams/testing'
import { describe, it } from 'vitest'
import { sagaDecider, type SagaDecision } from './saga-decisions.ts'

// A checkout-like saga: reserve (undone by release), authorize (undone by void), confirm (nothing to undo).
const undo = async () => {}
const steps = [{ name: 'reserve', compensate: undo }, { name: 'authorize', compensate: undo }, { name: 'confirm' }]
const given = DeciderSpecification.for(sagaDecider({ steps }, { maxStepAttempts: 3 }))
const withHook = DeciderSpecification.for(sagaDecider({ steps, onCompleted: async () => {} }))

const claimed = { type: 'Claimed' } as const
const done = (step: number, name: string): SagaDecision => ({
  type: 'Advance',
  step: step + 1,
  data: { after: name },
  completes: false,
  log: { step: name, direction: 'forward', outcome: 'done' },
})
const failed = (name: string, attempts: number, inDoubt = true): SagaDecision => ({
  type: 'RetryStep',
  attempts,
  inDoubt,
  log: { step: name, direction: 'forward', outcome: 'failed', detail: 'timed out' },
})
const reservedAndAuthorized = [claimed, done(0, 'reserve'), done(1, 'authorize')]

describe('a saga going forward', () => {
  it('calls its current step', () => {
    given([claimed]).when({ type: 'Resume' }).then({ type: 'CallStep', step: 0 })
    given([claimed, done(0, 'reserve')])
      .when({ type: 'Resume' })
      .then({ type: 'CallStep', step: 1 })
  })

  it('moves on with the data the step answered', () => {
    given([claimed])
      .when({ type: 'StepDone', data: { after: 'reserve' } })
      .then(done(0, 'reserve'))
  })

  it('completes in the same write as its last step when nothing runs on completion', () => {
    given(reservedAndAuthorized)
      .when({ type: 'StepDone', data: { after: 'confirm' } })
      .then({ ...done(2, 'confirm'), completes: true } as SagaDecision)
  })

  it('completes on its own when a completion hook must run in the same transaction', () => {
    withHook(reservedAndAuthorized)
      .when({ type: 'StepDone', data: { after: 'confirm' } })
      .then({ ...done(2, 'confirm'), completes: false } as SagaDecision)
    withHook([...reservedAndAuthorized, done(2, 'confirm')])
      .when({ type: 'Resume' })
      .then({ type: 'Complete' })
  })

  it('retries a step that did not answer, and keeps it in doubt', () => {
    given([claimed, done(0, 'reserve')])
      .when({ type: 'StepFailed', message: 'timed out', undelivered: false })
      .then(failed('authorize', 1))
  })

  it('does not hold a step in doubt whose every attempt was refused at the connection', () => {
    given([claimed, done(0, 'reserve')])
      .when({ type: 'StepFailed', message: 'timed out', undelivered: true })
      .then(failed('authorize', 1, false))
  })
})

describe('a saga turning around', () => {
  it('undoes the steps before one that refuses, not the refusing one', () => {
    given([claimed, done(0, 'reserve')])
      .when({ type: 'StepRefused', reason: 'payment declined' })
      .then({
        type: 'Compensate',
        from: 0,
        failure: 'payment declined',
        log: { step: 'authorize', direction: 'forward', outcome: 'refused', detail: 'payment declined' },
      })
  })

  it('undoes a step that never answered once its attempts are used up, since it may have taken effect', () => {
    given([claimed, done(0, 'reserve'), failed('authorize', 1), claimed, failed('authorize', 2), claimed])
      .when({ type: 'StepFailed', message: 'timed out', undelivered: false })
      .then({
        type: 'Compensate',
        from: 1,
        failure: 'authorize did not answer: timed out',
        log: { step: 'authorize', direction: 'forward', outcome: 'failed', detail: 'timed out' },
      })
  })

  it('leaves out a step that never answered when no attempt reached it', () => {
    const refusedAtConnection = (attempts: number) => failed('authorize', attempts, false)
    given([claimed, done(0, 'reserve'), refusedAtConnection(1), claimed, refusedAtConnection(2), claimed])
      .when({ type: 'StepFailed', message: 'timed out', undelivered: true })
      .then({
        type: 'Compensate',
        from: 0,
        failure: 'authorize did not answer: timed out',
        log: { step: 'authorize', direction: 'forward', outcome: 'failed', detail: 'timed out' },
      })
  })

  it('undoes the interrupted step too when a runner resumes it after a crash', () => {
    // The claim before the crash marked authorize in doubt; the next claim says it was called before.
    const resumed = [claimed, done(0, 'reserve'), claimed]
    given(resumed).when({ type: 'Aborted', reason: 'order cancelled' }).then({
      type: 'Compensate',
      from: 1,
      failure: 'order cancelled',
    })
    given(resumed).when({ type: 'Resume', timedOut: true }).then({
      type: 'Compensate',
      from: 1,
      failure: 'saga timed out at step authorize',
    })
  })

  it('undoes only the steps that answered when aborted or late before calling the next', () => {
    given([claimed, done(0, 'reserve')])
      .when({ type: 'Aborted', reason: 'order cancelled' })
      .then({ type: 'Compensate', from: 0, failure: 'order cancelled' })
  })
})

describe('a saga going backward', () => {
  const compensating = [...reservedAndAuthorized, claimed, failed('confirm', 1), claimed]
  const turned = (from: number): SagaDecision => ({ type: 'Compensate', from, failure: 'order cancelled' })

  it('calls the compensation of each step from the last that may have taken effect', () => {
    given([...compensating, turned(1)])
      .when({ type: 'Resume' })
      .then({ type: 'CallCompensation', step: 1 })
  })

  it('passes over a step with nothing to undo', () => {
    given([...compensating, turned(2)])
      .when({ type: 'Resume' })
      .then({ type: 'SkipCompensation', step: 1 })
  })

  it('retries a failing compensation, counting its attempts, for as long as it takes', () => {
    const retry = (attempts: number): SagaDecision => ({
      type: 'RetryCompensation',
      attempts,
      log: { step: 'authorize', direction: 'compensate', outcome: 'failed', detail: 'void failed' },
    })
    given([...compensating, turned(1), retry(1), retry(2), retry(3), retry(4), retry(5)])
      .when({ type: 'CompensationFailed', message: 'void failed' })
      .then(retry(6))
  })

  it('steps back once a compensation is done, and is compensated after the first step', () => {
    given([...compensating, turned(1)])
      .when({ type: 'CompensationDone' })
      .then({ type: 'StepUndone', step: 0, log: { step: 'authorize', direction: 'compensate', outcome: 'done' } })
    given([
      ...compensating,
      turned(0),
      { type: 'StepUndone', step: -1, log: { step: 'reserve', direction: 'compensate', outcome: 'done' } },
    ])
      .when({ type: 'Resume' })
      .then({ type: 'FinishCompensated' })
  })

  it('refuses what cannot happen in its direction', () => {
    given([...compensating, turned(1)])
      .when({ type: 'StepDone', data: {} })
      .thenThrows(TypeError)
    given([claimed]).when({ type: 'CompensationDone' }).thenThrows(TypeError)
  })
})
