import type { Sql } from 'postgres'
import { DeadLetterNotFound } from './errors.ts'

export interface DeadLetter {
  id: number
  consumer: string
  eventId: string
  source: string
  type: string
  subject: string
  position: number
  error: string
  attempts: number
  deadAt: Date
  retryRequestedAt: Date | null
  resolvedAt: Date | null
}

/** Dead letters of one service's database, newest first; resolved ones only when asked. */
export async function listDeadLetters(sql: Sql, options: { consumer?: string; includeResolved?: boolean } = {}): Promise<DeadLetter[]> {
  return sql<DeadLetter[]>`
    select id, consumer, event_id as "eventId", source, type, subject, position, error, attempts,
           dead_at as "deadAt", retry_requested_at as "retryRequestedAt", resolved_at as "resolvedAt"
    from seams_dead_letters
    where (${options.consumer ?? null}::text is null or consumer = ${options.consumer ?? null})
      and (${options.includeResolved ?? false} or resolved_at is null)
    order by id desc`
}

/**
 * Asks the running consumer to apply dead letters again (it looks every few seconds). Returns how many
 * were marked; `ids` omitted marks every unresolved one (of `consumer`, when given).
 */
export async function requestDeadLetterRetry(sql: Sql, options: { ids?: readonly number[]; consumer?: string }): Promise<number> {
  const ids = options.ids === undefined ? null : [...options.ids]
  const result = await sql`
    update seams_dead_letters set retry_requested_at = now()
    where resolved_at is null
      and (${ids}::int8[] is null or id = any(${ids}::int8[]))
      and (${options.consumer ?? null}::text is null or consumer = ${options.consumer ?? null})`
  if (ids !== null && result.count < ids.length) throw new DeadLetterNotFound(`only ${result.count} of ${ids.length} dead letters exist unresolved`)
  return result.count
}
