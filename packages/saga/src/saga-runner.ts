import { backoffDelay, faultPoint, withDeadline, type Logger, type TraceContext } from '@seams/core'
import type { Sql, TransactionSql } from 'postgres'
import type { Registry } from 'prom-client'
import { evolveSaga, sagaDecider, type SagaDecider, type SagaDecision } from './saga-decisions.ts'
import type { SagaDefinition, SagaStep, StepContext, StepOutcome } from './saga-definition.ts'
import { sagaMetrics, type SagaMetrics } from './saga-metrics.ts'
import { claimDue, nextDueInMs, saveProgress, type SagaRow } from './saga-store.ts'
import { inSagaSpan } from './saga-tracing.ts'

export interface SagaRunnerOptions {
  sql: Sql
  // Each definition has its own data type; the runner only moves them along.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  sagas: readonly SagaDefinition<any>[]
  logger?: Logger
  metrics?: Registry
  /**
   * Longest wait for one step's answer: long enough for an HTTP client's default retries (three attempts of
   * 2 s each).
   * @default 6000
   */
  stepTimeoutMs?: number
  /**
   * Attempts at a forward step that gets no answer before the saga compensates.
   * @default 3
   */
  maxStepAttempts?: number
  /**
   * A saga still running this long after it started compensates instead of going on.
   * @default 30000
   */
  sagaTimeoutMs?: number
  /**
   * How long a claimed saga stays with this runner; a crashed runner's sagas are resumed after it.
   * It must outlast one step, so it is twice the step timeout unless set.
   * @default 2 × stepTimeoutMs
   */
  leaseMs?: number
  /**
   * Longest sleep between two looks for due sagas when nothing wakes the runner. It sleeps until the next saga
   * is due (a retry's backoff, a crashed runner's lease) when that is sooner; `begin` and `wake` wake it at
   * once. Each look wakes an idle process, so it is not frequent.
   * @default 5000
   */
  pollIntervalMs?: number
  /**
   * Sagas this process works on at once.
   * @default 64
   */
  concurrency?: number
  /**
   * Tells failures that certainly never reached the called service (a refused connection, an open
   * circuit): a step that only ever failed that way had no effect and is not compensated.
   */
  isUndelivered?: (error: unknown) => boolean
  /**
   * Opens the transactions of local steps and completion hooks, e.g. the outbox's, which wakes its relay once
   * they commit, so that the events they write leave at once.
   * @default sql.begin
   */
  transaction?: <T>(work: (tx: TransactionSql) => Promise<T>) => Promise<T>
}

// A local step's transaction found the saga taken over by another runner: it rolls back, that runner goes on.
class SagaTakenOver extends Error {}

export interface SagaRunner {
  /** Records a new saga in the caller's transaction; it starts once that commits and `wake()` is called. */
  begin<D>(tx: TransactionSql, definition: SagaDefinition<D>, id: string, data: D): Promise<void>
  /** Looks for due sagas now (call after committing a `begin`). */
  wake(): void
  start(): void
  stop(): Promise<void>
}

const backoff = (attempt: number, maxMs: number) => backoffDelay(attempt, { maxMs, jitter: 'equal' })

/**
 * Drives persisted sagas: forward through their steps, and on a refusal, a step that never answers, an
 * abort or the saga deadline, backward through the compensations of the steps that may have taken
 * effect. Every change of position is saved with a version check, so a saga is worked on by one
 * runner at a time and resumes, in any replica, after a crash.
 */
export function createSagaRunner(options: SagaRunnerOptions): SagaRunner {
  const { sql } = options
  const definitions = new Map(options.sagas.map((definition) => [definition.type, definition]))
  const stepTimeoutMs = options.stepTimeoutMs ?? 6000
  // Where each saga goes next is decided there, without I/O; the runner calls the steps and saves.
  const deciders = new Map<string, SagaDecider>(
    options.sagas.map((definition) => [
      definition.type,
      sagaDecider(definition, { maxStepAttempts: options.maxStepAttempts }),
    ]),
  )
  const leaseMs = options.leaseMs ?? 2 * stepTimeoutMs
  const concurrency = options.concurrency ?? 64
  const metrics: SagaMetrics | undefined = options.metrics === undefined ? undefined : sagaMetrics(options.metrics, sql)
  const transaction =
    options.transaction ?? (<T>(work: (tx: TransactionSql) => Promise<T>) => sql.begin(work) as Promise<T>)
  const inFlight = new Set<Promise<void>>()
  let running = false
  let loop: Promise<void> | undefined
  let wakeUp: (() => void) | undefined

  const inStepContext = <T>(row: SagaRow, step: string, work: (context: StepContext) => Promise<T>) =>
    inSagaSpan(row, definitions.get(row.type), step, (trace) =>
      withDeadline(stepTimeoutMs, (signal) =>
        work({ sagaId: row.id, idempotencyKey: `${row.id}:${step}`, attempt: row.attempts + 1, signal, trace }),
      ),
    )

  // Saves the position the decision leads to; undefined when another runner took the saga over.
  function save(
    row: SagaRow,
    decision: SagaDecision,
    dueInMs: number,
    tx: Sql | TransactionSql = sql,
  ): Promise<SagaRow | undefined> {
    const { data, status, step, attempts, inDoubt, failure } = evolveSaga(row, decision)
    const log = 'log' in decision ? decision.log : undefined
    return saveProgress(tx, row, {
      data,
      status,
      step,
      attempts,
      inDoubt,
      failure: failure ?? undefined,
      dueInMs,
      log,
    })
  }

  async function compensate(
    row: SagaRow,
    decision: SagaDecision,
    tx: Sql | TransactionSql = sql,
  ): Promise<SagaRow | undefined> {
    const failure = decision.type === 'Compensate' ? decision.failure : undefined
    options.logger?.info({ sagaId: row.id, type: row.type, failure }, 'saga compensating')
    const saved = await save(row, decision, leaseMs, tx)
    if (saved === undefined && tx !== sql) throw new SagaTakenOver()
    return saved
  }

  async function finish(
    row: SagaRow,
    definition: SagaDefinition<unknown>,
    outcome: 'completed' | 'compensated',
  ): Promise<undefined> {
    const hook =
      outcome === 'completed'
        ? definition.onCompleted?.bind(definition)
        : (tx: TransactionSql, data: unknown, trace: TraceContext) =>
            definition.onCompensated(tx, data, row.failure ?? 'unknown failure', trace)
    const saved =
      hook === undefined
        ? await saveProgress(sql, row, { status: outcome, dueInMs: 0 })
        : await inSagaSpan(row, definition, outcome, (trace) =>
            transaction(async (tx) => {
              const marked = await saveProgress(tx, row, { status: outcome, dueInMs: 0 })
              if (marked !== undefined) await hook(tx, row.data, trace)
              return marked
            }),
          )
    // undefined: another runner finished it
    if (saved !== undefined) metrics?.finished(row.type, outcome, (Date.now() - row.createdAt.getTime()) / 1000)
    return undefined
  }

  // One forward move; returns the saga's new row to keep going, or undefined to let it wait. The current
  // step is already marked in doubt in the database (by the claim or by the save that led to it), so a
  // crash during the call below leaves it to be compensated by whoever resumes the saga.
  async function forward(
    row: SagaRow,
    definition: SagaDefinition<unknown>,
    decider: SagaDecider,
  ): Promise<SagaRow | undefined> {
    let decision = decider.decide({ type: 'Resume', timedOut: Date.now() > row.deadlineAt.getTime() }, row)
    const step = definition.steps[row.step]
    if (decision.type === 'CallStep' && step?.run !== undefined) {
      const abort = await definition.checkAbort?.(sql, row.data)
      if (abort !== undefined) decision = decider.decide({ type: 'Aborted', reason: abort }, row)
    }
    if (decision.type === 'Complete') return finish(row, definition, 'completed')
    if (decision.type !== 'CallStep') return compensate(row, decision)
    if (step!.runLocally !== undefined) return forwardLocally(row, step!, decider)
    const started = performance.now()
    let outcome
    try {
      outcome = await inStepContext(row, step!.name, (context) => step!.run!(row.data, context))
    } catch (error) {
      return stepFailed(row, step!, decider, error, started)
    }
    return stepAnswered(row, step!, decider, outcome, started, sql)
  }

  async function stepFailed(
    row: SagaRow,
    step: SagaStep<unknown>,
    decider: SagaDecider,
    error: unknown,
    started: number,
  ): Promise<SagaRow | undefined> {
    metrics?.step(row.type, step.name, 'forward', 'failed', started)
    const message = String((error as Error).message)
    const undelivered = options.isUndelivered?.(error) === true
    const failed = decider.decide({ type: 'StepFailed', message, undelivered }, row)
    if (failed.type === 'Compensate') return compensate(row, failed)
    await save(row, failed, backoff(row.attempts, 5000))
    return undefined
  }

  // The step's outcome and what it leads to, saved with the step's own transaction when it is local.
  async function stepAnswered(
    row: SagaRow,
    step: SagaStep<unknown>,
    decider: SagaDecider,
    outcome: StepOutcome<unknown>,
    started: number,
    tx: Sql | TransactionSql,
  ): Promise<SagaRow | undefined> {
    // After the step took effect, before the saga recorded it: a crash here must neither lose nor repeat it.
    faultPoint(`saga.step-done:${row.type}:${step.name}`)
    if ('refused' in outcome) {
      metrics?.step(row.type, step.name, 'forward', 'refused', started)
      return compensate(row, decider.decide({ type: 'StepRefused', reason: outcome.refused }, row), tx)
    }
    metrics?.step(row.type, step.name, 'forward', 'done', started)
    const advanced = decider.decide({ type: 'StepDone', data: outcome.done }, row)
    if (advanced.type === 'Advance' && advanced.completes) {
      // Nothing to run on completion: the last step's outcome and the completion are one write.
      const completed = await save(row, advanced, 0, tx)
      if (completed !== undefined)
        metrics?.finished(row.type, 'completed', (Date.now() - row.createdAt.getTime()) / 1000)
      else if (tx !== sql) throw new SagaTakenOver()
      return undefined
    }
    // The runner goes straight on to the next step: it is marked in doubt now, with this step's outcome.
    const saved = await save(row, advanced, leaseMs, tx)
    if (saved === undefined && tx !== sql) throw new SagaTakenOver()
    return saved
  }

  async function forwardLocally(
    row: SagaRow,
    step: SagaStep<unknown>,
    decider: SagaDecider,
  ): Promise<SagaRow | undefined> {
    const started = performance.now()
    try {
      return await inStepContext(row, step.name, (context) =>
        transaction(async (tx) => {
          const outcome = await step.runLocally!(tx, row.data, context)
          return stepAnswered(row, step, decider, outcome, started, tx)
        }),
      )
    } catch (error) {
      if (error instanceof SagaTakenOver) return undefined
      return stepFailed(row, step, decider, error, started)
    }
  }

  async function backward(
    row: SagaRow,
    definition: SagaDefinition<unknown>,
    decider: SagaDecider,
  ): Promise<SagaRow | undefined> {
    const decision = decider.decide({ type: 'Resume' }, row)
    if (decision.type === 'FinishCompensated') return finish(row, definition, 'compensated')
    if (decision.type !== 'CallCompensation') return save(row, decision, leaseMs)
    const step = definition.steps[row.step]!
    const started = performance.now()
    try {
      await inStepContext(row, `${step.name}:compensate`, (context) => step.compensate!(row.data, context))
    } catch (error) {
      metrics?.step(row.type, step.name, 'compensate', 'failed', started)
      options.logger?.warn(
        { err: error, sagaId: row.id, type: row.type, step: step.name, attempts: row.attempts + 1 },
        'saga compensation failed; it will be retried until it succeeds',
      )
      const message = String((error as Error).message)
      await save(row, decider.decide({ type: 'CompensationFailed', message }, row), backoff(row.attempts, 30_000))
      return undefined
    }
    faultPoint(`saga.compensation-done:${row.type}:${step.name}`)
    metrics?.step(row.type, step.name, 'compensate', 'done', started)
    return save(row, decider.decide({ type: 'CompensationDone' }, row), leaseMs)
  }

  async function work(claimed: SagaRow): Promise<void> {
    const definition = definitions.get(claimed.type)
    const decider = deciders.get(claimed.type)
    if (definition === undefined || decider === undefined) {
      options.logger?.error(
        { sagaId: claimed.id, type: claimed.type },
        'no definition for this saga type in this process',
      )
      return
    }
    let row: SagaRow | undefined = claimed
    while (row !== undefined && running) {
      row =
        row.status === 'running' ? await forward(row, definition, decider) : await backward(row, definition, decider)
    }
  }

  async function poll(): Promise<void> {
    while (running) {
      const room = concurrency - inFlight.size
      const claimed =
        room > 0
          ? await claimDue(sql, room, leaseMs).catch((error: unknown) => {
              options.logger?.error({ err: error }, 'could not claim due sagas')
              return []
            })
          : []
      for (const row of claimed) {
        const task: Promise<void> = work(row)
          .catch((error: unknown) =>
            options.logger?.error(
              { err: error, sagaId: row.id },
              'saga step could not be saved; it resumes after its lease',
            ),
          )
          .finally(() => {
            inFlight.delete(task)
            wakeUp?.()
          })
        inFlight.add(task)
      }
      if (claimed.length === room && room > 0) continue
      const pollMs = options.pollIntervalMs ?? 5000
      // Sagas in flight wake the loop when they end; only a runner with none asks when the next one is due.
      const dueInMs = inFlight.size === 0 ? await nextDueInMs(sql).catch(() => undefined) : undefined
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(pollMs, dueInMs ?? pollMs))
        function done() {
          clearTimeout(timer)
          wakeUp = undefined
          resolve()
        }
        wakeUp = done
      })
    }
  }

  return {
    async begin(tx, definition, id, data) {
      if (!definitions.has(definition.type))
        throw new TypeError(`saga ${definition.type} is not registered with this runner`)
      const timeoutMs = definition.timeoutMs ?? options.sagaTimeoutMs ?? 30_000
      // Far in the future stands for "never": PostgreSQL's timestamptz has no infinity in JavaScript.
      const deadline = new Date(Number.isFinite(timeoutMs) ? Date.now() + timeoutMs : Date.UTC(9999, 0, 1))
      await tx`
        insert into seams_sagas (id, type, data, status, step, deadline_at)
        values (${id}, ${definition.type}, ${tx.json(data as never)}, 'running', 0, ${deadline})`
      metrics?.started(definition.type)
    },
    wake: () => wakeUp?.(),
    start() {
      if (running) return
      running = true
      loop = poll()
    },
    async stop() {
      running = false
      wakeUp?.()
      await loop
      await Promise.allSettled([...inFlight])
    },
  }
}
