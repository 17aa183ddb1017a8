import type { SagaDefinition, SagaStep } from './saga-definition.ts'
import type { SagaStatus, StepLogEntry } from './saga-store.ts'

/** Where a saga stands: what its row holds, and what the runner learnt when it claimed it. */
export interface SagaPosition {
  status: SagaStatus
  step: number
  attempts: number
  /** The current step may have reached its target, by an earlier attempt or by the one under way. */
  inDoubt: boolean
  /** An attempt at the current step before the runner's next one may have reached its target. */
  calledBefore: boolean
  failure: string | null
  data: unknown
}

/** What the runner learnt about the saga it works on. */
export type SagaCommand =
  /** The runner is about to move the saga; `timedOut` when its deadline has passed (@default false). */
  | { type: 'Resume'; timedOut?: boolean }
  /** The saga's `checkAbort` gave a reason to stop. */
  | { type: 'Aborted'; reason: string }
  | { type: 'StepDone'; data: unknown }
  | { type: 'StepRefused'; reason: string }
  /** The step did not answer; `undelivered` when the call certainly never reached its target. */
  | { type: 'StepFailed'; message: string; undelivered: boolean }
  | { type: 'CompensationDone' }
  | { type: 'CompensationFailed'; message: string }

/** What the runner does: call something, or save the position the decision leads to (see `evolveSaga`). */
export type SagaDecision =
  | { type: 'CallStep'; step: number }
  | { type: 'Complete' }
  /** Turn around: undo the steps from `from` down to the first. */
  | { type: 'Compensate'; from: number; failure: string; log?: StepLogEntry }
  | { type: 'RetryStep'; attempts: number; inDoubt: boolean; log: StepLogEntry }
  /** `completes` when that was the last step and nothing runs on completion: one write does both. */
  | { type: 'Advance'; step: number; data: unknown; completes: boolean; log: StepLogEntry }
  | { type: 'CallCompensation'; step: number }
  /** The step has nothing to undo. */
  | { type: 'SkipCompensation'; step: number }
  | { type: 'RetryCompensation'; attempts: number; log: StepLogEntry }
  | { type: 'StepUndone'; step: number; log: StepLogEntry }
  | { type: 'FinishCompensated' }

/** A runner claimed the saga (see `claimDue`): the step it is about to call is marked in doubt. */
export type SagaClaimed = { type: 'Claimed' }

/** The position of a saga just begun. */
export const begunSaga = (data: unknown): SagaPosition => ({
  status: 'running',
  step: 0,
  attempts: 0,
  inDoubt: false,
  calledBefore: false,
  failure: null,
  data,
})

/** The position a decision (or a claim) leads to; the runner saves exactly this. */
export function evolveSaga(position: SagaPosition, event: SagaDecision | SagaClaimed): SagaPosition {
  switch (event.type) {
    case 'Claimed':
      return { ...position, calledBefore: position.inDoubt, inDoubt: position.inDoubt || position.status === 'running' }
    case 'Complete':
      return { ...position, status: 'completed' }
    case 'FinishCompensated':
      return { ...position, status: 'compensated' }
    case 'Compensate':
      return {
        ...position,
        status: 'compensating',
        step: event.from,
        attempts: 0,
        inDoubt: false,
        failure: event.failure,
      }
    case 'RetryStep':
      return { ...position, attempts: event.attempts, inDoubt: event.inDoubt }
    case 'Advance':
      // The runner goes straight on to the next step, so it is marked in doubt with this step's outcome.
      return {
        ...position,
        status: event.completes ? 'completed' : position.status,
        step: event.step,
        data: event.data,
        attempts: 0,
        inDoubt: !event.completes,
        calledBefore: false,
      }
    case 'RetryCompensation':
      return { ...position, attempts: event.attempts }
    case 'SkipCompensation':
    case 'StepUndone':
      return { ...position, step: event.step, attempts: 0 }
    case 'CallStep':
    case 'CallCompensation':
      return position
  }
}

/** What the decisions read of a saga's definition: its steps' names, which can be undone, its limits. */
export interface SagaShape {
  steps: readonly Pick<SagaStep<never>, 'name' | 'compensate'>[]
  maxStepAttempts?: SagaDefinition<never>['maxStepAttempts']
  onCompleted?: unknown
}

export interface SagaDecisionOptions {
  /**
   * Attempts at a forward step that gets no answer before the saga compensates, unless the saga sets its own.
   * @default 3
   */
  maxStepAttempts?: number
}

/**
 * The runner's decisions for one kind of saga, with no I/O: forward through its steps, and on a refusal, a
 * step that never answers, an abort or the deadline, backward through the compensations of the steps that
 * may have taken effect. Only the steps' names and which of them can be undone are read from `definition`.
 */
export function sagaDecider(definition: SagaShape, options: SagaDecisionOptions = {}) {
  const { steps } = definition
  const maxStepAttempts = definition.maxStepAttempts ?? options.maxStepAttempts ?? 3
  const unexpected = (command: SagaCommand, position: SagaPosition) =>
    new TypeError(`a ${position.status} saga at step ${position.step} cannot take ${command.type}`)

  function forward(command: SagaCommand, position: SagaPosition): SagaDecision {
    const step = steps[position.step]
    if (step === undefined) {
      if (command.type === 'Resume') return { type: 'Complete' }
      throw unexpected(command, position)
    }
    // A step whose earlier attempt may have reached its target may have taken effect: it is undone too.
    const undoFrom = position.calledBefore ? position.step : position.step - 1
    switch (command.type) {
      case 'Resume':
        return command.timedOut === true
          ? { type: 'Compensate', from: undoFrom, failure: `saga timed out at step ${step.name}` }
          : { type: 'CallStep', step: position.step }
      case 'Aborted':
        return { type: 'Compensate', from: undoFrom, failure: command.reason }
      case 'StepFailed': {
        const log: StepLogEntry = { step: step.name, direction: 'forward', outcome: 'failed', detail: command.message }
        // This attempt is known to have failed: the step stays in doubt only if it or an earlier one may
        // have reached the target.
        const inDoubt = position.calledBefore || !command.undelivered
        if (position.attempts + 1 < maxStepAttempts)
          return { type: 'RetryStep', attempts: position.attempts + 1, inDoubt, log }
        const from = inDoubt ? position.step : position.step - 1
        return { type: 'Compensate', from, failure: `${step.name} did not answer: ${command.message}`, log }
      }
      case 'StepRefused': {
        const log: StepLogEntry = { step: step.name, direction: 'forward', outcome: 'refused', detail: command.reason }
        return { type: 'Compensate', from: position.step - 1, failure: command.reason, log }
      }
      case 'StepDone': {
        const next = position.step + 1
        const completes = next === steps.length && definition.onCompleted === undefined
        const log: StepLogEntry = { step: step.name, direction: 'forward', outcome: 'done' }
        return { type: 'Advance', step: next, data: command.data, completes, log }
      }
      default:
        throw unexpected(command, position)
    }
  }

  function backward(command: SagaCommand, position: SagaPosition): SagaDecision {
    const step = steps[position.step]
    if (step === undefined) {
      if (command.type === 'Resume') return { type: 'FinishCompensated' }
      throw unexpected(command, position)
    }
    switch (command.type) {
      case 'Resume':
        return step.compensate === undefined
          ? { type: 'SkipCompensation', step: position.step - 1 }
          : { type: 'CallCompensation', step: position.step }
      case 'CompensationFailed': {
        const log: StepLogEntry = {
          step: step.name,
          direction: 'compensate',
          outcome: 'failed',
          detail: command.message,
        }
        // Retried until it succeeds: nothing else can give back what the step took.
        return { type: 'RetryCompensation', attempts: position.attempts + 1, log }
      }
      case 'CompensationDone':
        return {
          type: 'StepUndone',
          step: position.step - 1,
          log: { step: step.name, direction: 'compensate', outcome: 'done' },
        }
      default:
        throw unexpected(command, position)
    }
  }

  return {
    initialState: () => begunSaga(undefined),
    evolve: evolveSaga,
    decide(command: SagaCommand, position: SagaPosition): SagaDecision {
      if (position.status === 'running') return forward(command, position)
      if (position.status === 'compensating') return backward(command, position)
      throw unexpected(command, position)
    },
  }
}

export type SagaDecider = ReturnType<typeof sagaDecider>
