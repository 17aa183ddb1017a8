import type { Sql, TransactionSql } from 'postgres'

export type SagaStatus = 'running' | 'compensating' | 'completed' | 'compensated'

export interface SagaRow {
  id: string
  type: string
  data: unknown
  status: SagaStatus
  step: number
  attempts: number
  /** Stored: the current step may have reached its target, by an earlier attempt or by the one under way. */
  inDoubt: boolean
  /** Not stored: an attempt at the current step before this runner's next one may have reached its target. */
  calledBefore: boolean
  deadlineAt: Date
  failure: string | null
  version: number
  createdAt: Date
}

export interface StepLogEntry {
  step: string
  direction: 'forward' | 'compensate'
  outcome: 'done' | 'refused' | 'failed' | 'skipped'
  detail?: string
}

const columns = (sql: Sql | TransactionSql) => sql`
  s.id, s.type, s.data, s.status, s.step, s.attempts, s.in_doubt as "inDoubt", s.deadline_at as "deadlineAt",
  s.failure, s.version, s.created_at as "createdAt"`

/**
 * Leases up to `limit` due sagas to this runner for `leaseMs`; another runner skips them meanwhile. A
 * running saga's current step is marked in doubt in the same statement, since the runner goes on to call
 * it: a crash during that call leaves the mark for whoever resumes. Whether it was marked already (an
 * earlier attempt may have reached the target) comes back as `calledBefore`.
 */
export async function claimDue(sql: Sql, limit: number, leaseMs: number): Promise<SagaRow[]> {
  return sql<SagaRow[]>`
    with due as (
      select id, in_doubt from seams_sagas
      where status in ('running', 'compensating') and next_attempt_at <= now()
      order by next_attempt_at limit ${limit} for update skip locked)
    update seams_sagas s set
      next_attempt_at = now() + ${leaseMs} * interval '1 millisecond', version = s.version + 1,
      in_doubt = s.in_doubt or s.status = 'running'
    from due where s.id = due.id
    returning ${columns(sql)}, due.in_doubt as "calledBefore"`
}

/** Milliseconds until the next running saga is due (0 when one is due now); undefined when none is running. */
export async function nextDueInMs(sql: Sql): Promise<number | undefined> {
  const [row] = await sql<{ ms: number | null }[]>`
    select (extract(epoch from min(next_attempt_at) - now()) * 1000)::float8 as ms
    from seams_sagas where status in ('running', 'compensating')`
  // Not greatest(0, …) in SQL: it ignores a NULL (no saga running) and would answer 0, "due now", forever.
  return row?.ms === null || row?.ms === undefined ? undefined : Math.max(0, row.ms)
}

export interface SagaChange {
  data?: unknown
  status?: SagaStatus
  step?: number
  attempts?: number
  inDoubt?: boolean
  failure?: string
  /** When the saga is next due; by default the lease is renewed while the runner keeps working on it. */
  dueInMs: number
  /** The audit trail entry of what led to this change, written in the same statement. */
  log?: StepLogEntry
}

/**
 * Saves progress if this runner still holds the saga (same version); returns the new row, or undefined
 * when another runner took it over after the lease ran out. The returned row's `calledBefore` is false:
 * a runner goes on from it only to a step it has not called yet, or backwards.
 */
export async function saveProgress(
  sql: Sql | TransactionSql,
  row: SagaRow,
  change: SagaChange,
): Promise<SagaRow | undefined> {
  const { log } = change
  const [saved] = await sql<SagaRow[]>`
    with s as (
      update seams_sagas set
        data = ${sql.json((change.data ?? row.data) as never)},
        status = ${change.status ?? row.status},
        step = ${change.step ?? row.step},
        attempts = ${change.attempts ?? row.attempts},
        in_doubt = ${change.inDoubt ?? row.inDoubt},
        failure = ${change.failure ?? row.failure},
        next_attempt_at = now() + ${change.dueInMs} * interval '1 millisecond',
        version = version + 1, updated_at = now()
      where id = ${row.id} and version = ${row.version}
      returning *)
    ${
      log === undefined
        ? sql``
        : sql`, logged as (
      insert into seams_saga_steps (saga_id, step, direction, outcome, detail)
      select id, ${log.step}, ${log.direction}, ${log.outcome}, ${log.detail ?? null} from s)`
    }
    select ${columns(sql)}, false as "calledBefore" from s`
  return saved
}
