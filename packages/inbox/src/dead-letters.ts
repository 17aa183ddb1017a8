import type { DeliveredEvent } from '@seams/core'
import type { Sql, TransactionSql } from 'postgres'
import { envelopeProblems, storable, syntheticEventId } from './envelope-check.ts'
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
export async function listDeadLetters(
  sql: Sql,
  options: { consumer?: string; includeResolved?: boolean } = {},
): Promise<DeadLetter[]> {
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
export async function requestDeadLetterRetry(
  sql: Sql,
  options: { ids?: readonly number[]; consumer?: string },
): Promise<number> {
  const ids = options.ids === undefined ? null : [...options.ids]
  const result = await sql`
    update seams_dead_letters set retry_requested_at = now()
    where resolved_at is null
      and (${ids}::int8[] is null or id = any(${ids}::int8[]))
      and (${options.consumer ?? null}::text is null or consumer = ${options.consumer ?? null})`
  if (ids !== null && result.count < ids.length)
    throw new DeadLetterNotFound(`only ${result.count} of ${ids.length} dead letters exist unresolved`)
  // The consumers' leaders look at once, in whichever replica they run, rather than on their next round.
  if (result.count > 0) await sql`select pg_notify(${DEAD_LETTER_RETRY_CHANNEL}, '')`
  return result.count
}

/** The channel `requestDeadLetterRetry` notifies; leading consumers listen on it. */
export const DEAD_LETTER_RETRY_CHANNEL = 'seams_dead_letter_retry'

/** What a dead letter records about the message it holds. */
export interface Letter {
  eventId: string
  type: string
  subject: string
  position: number
  envelope: unknown
}

/**
 * The dead letter for a delivered message. A malformed message's own id, type and subject cannot be trusted,
 * nor even be stored (the columns are typed): it is filed under an id derived from its place in the feed,
 * so that a redelivery finds the same letter.
 */
export function deadLetterOf(event: DeliveredEvent, origin: { transport: string; source: string }): Letter {
  if (envelopeProblems(event).length === 0)
    return { eventId: event.id, type: event.type, subject: event.subject, position: event.position, envelope: event }
  const claimed = (value: unknown) => (typeof value === 'string' ? storable(value.slice(0, 200)) : '')
  return {
    eventId: syntheticEventId({ ...origin, position: event.position }),
    type: claimed(event.type),
    subject: claimed(event.subject),
    position: event.position,
    envelope: event,
  }
}

/** Files a letter in the consumer's transaction; a letter filed before counts the new attempts. */
export async function recordDeadLetter(
  tx: TransactionSql,
  entry: { consumer: string; source: string; letter: Letter; error: string; attempts: number },
): Promise<void> {
  const { letter } = entry
  await tx`
    insert into seams_dead_letters (consumer, event_id, source, type, subject, position, envelope, error, attempts)
    values (${entry.consumer}, ${letter.eventId}, ${entry.source}, ${letter.type}, ${letter.subject},
            ${letter.position}, ${tx.json(storable(letter.envelope) as never)},
            ${storable(entry.error)}, ${entry.attempts})
    on conflict (consumer, event_id) do update
    set error = excluded.error, attempts = seams_dead_letters.attempts + excluded.attempts, dead_at = now()`
}
