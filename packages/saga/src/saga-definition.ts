import type { TraceContext } from '@seams/core'
import type { Sql, TransactionSql } from 'postgres'

export interface StepContext {
  sagaId: string
  /** The same for every attempt at this step of this saga: pass it on so the called service can deduplicate. */
  idempotencyKey: string
  /** 1 for the first attempt. */
  attempt: number
  /** Aborts when the step's time is up. */
  signal: AbortSignal
  /**
   * This step's trace context, in the trace of the request that began the saga (`SagaDefinition.traceparent`):
   * pass it to the calls the step makes and the events it writes, so that they continue that trace.
   */
  trace: TraceContext
}

/** A step either moves the saga on with new data, or refuses (a business outcome) and the saga compensates. */
export type StepOutcome<D> = { done: D } | { refused: string }

export interface SagaStep<D> {
  name: string
  /**
   * A step that calls another service. Throwing means "no answer" (unreachable, timed out): the step is tried
   * again, then compensated if it never answers. A step has `run` or `runLocally`, not both.
   */
  run?(data: D, context: StepContext): Promise<StepOutcome<D>>
  /**
   * A step on the saga's own database: it runs in the transaction that records its outcome, so the step and
   * the saga's progress commit together or not at all, in one transaction instead of two. It decides under
   * its own locks whatever `checkAbort` would, so `checkAbort` is not called before it.
   */
  runLocally?(tx: TransactionSql, data: D, context: StepContext): Promise<StepOutcome<D>>
  /**
   * Undoes the step. Must be idempotent and must cope with a step that may never have taken effect
   * (a timed-out call). Retried until it succeeds. Omitted for steps with nothing to undo.
   */
  compensate?(data: D, context: StepContext): Promise<void>
}

export interface SagaDefinition<D> {
  /** Names the saga in its table, logs and metrics, e.g. `checkout`. */
  type: string
  steps: readonly SagaStep<D>[]
  /**
   * Attempts at a forward step that gets no answer before the saga compensates; overrides the runner's.
   * A saga whose steps must not give up (a cancellation) sets Infinity.
   */
  maxStepAttempts?: number
  /** Overrides the runner's saga timeout; Infinity for a saga that must finish forward. */
  timeoutMs?: number
  /**
   * Looked at before each forward step that calls another service: a reason to stop and compensate, e.g. the
   * order was cancelled.
   */
  checkAbort?(sql: Sql, data: D): Promise<string | undefined>
  /**
   * The W3C `traceparent` of the request that began the saga, as its data keeps it: every step (and the
   * completion hooks) runs in a span of that trace. Without it each step starts a trace of its own.
   */
  traceparent?(data: D): string | undefined
  /**
   * Runs in the transaction that marks the saga completed. Without it, completing costs no transaction of its
   * own. `trace` is the saga's (see `traceparent`), for the events it writes.
   */
  onCompleted?(tx: TransactionSql, data: D, trace: TraceContext): Promise<void>
  /** Runs in the transaction that marks the saga compensated, after every done step was undone. */
  onCompensated(tx: TransactionSql, data: D, failure: string, trace: TraceContext): Promise<void>
}

export function defineSaga<D>(definition: SagaDefinition<D>): SagaDefinition<D> {
  const names = definition.steps.map((step) => step.name)
  if (new Set(names).size !== names.length)
    throw new TypeError(`saga ${definition.type} has two steps with the same name`)
  for (const step of definition.steps)
    if ((step.run === undefined) === (step.runLocally === undefined))
      throw new TypeError(`step ${step.name} of saga ${definition.type} needs exactly one of run and runLocally`)
  return definition
}
