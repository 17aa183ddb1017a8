import type { Sql, TransactionSql } from 'postgres'

export type SagaStatus = 'running' | 'compensating' | 'completed' | 'compensated'

export interface SagaRow {
  id: string
  type: string
  data: unknown
  status: SagaStatus
  step: number
  attempts: number
  inDoubt: boolean
  deadlineAt: Date
  failure: string | null
  version: number
  createdAt: Date
}

const columns = (sql: Sql | TransactionSql) =>
  sql`id, type, data, status, step, attempts, in_doubt as "inDoubt", deadline_at as "deadlineAt", failure, version, created_at as "createdAt"`

/** Leases up to `limit` due sagas to this runner for `leaseMs`; another runner skips them meanwhile. */
export async function claimDue(sql: Sql, limit: number, leaseMs: number): Promise<SagaRow[]> {
  return sql<SagaRow[]>`
    update seams_sagas set next_attempt_at = now() + ${leaseMs} * interval '1 millisecond', version = version + 1
    where id in (
      select id from seams_sagas
      where status in ('running', 'compensating') and next_attempt_at <= now()
      order by next_attempt_at limit ${limit} for update skip locked)
    returning ${columns(sql)}`
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
}

/**
 * Saves progress if this runner still holds the saga (same version); returns the new row, or undefined
 * when another runner took it over after the lease ran out.
 */
export async function saveProgress(sql: Sql | TransactionSql, row: SagaRow, change: SagaChange): Promise<SagaRow | undefined> {
  const [saved] = await sql<SagaRow[]>`
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
    returning ${columns(sql)}`
  return saved
}

export async function logStep(
  sql: Sql | TransactionSql,
  sagaId: string,
  entry: { step: string; direction: 'forward' | 'compensate'; outcome: 'done' | 'refused' | 'failed' | 'skipped'; detail?: string },
): Promise<void> {
  await sql`insert into seams_saga_steps (saga_id, step, direction, outcome, detail) values (${sagaId}, ${entry.step}, ${entry.direction}, ${entry.outcome}, ${entry.detail ?? null})`
}
