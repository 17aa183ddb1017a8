import { DiscardPolicy, RetentionPolicy, StorageType, type JetStreamManager } from '@nats-io/jetstream'
import { nanos } from '@nats-io/transport-node'
import { ForeignStream, StreamPurged } from './errors.ts'
import type { StreamNaming } from './names.ts'

export interface StreamSettings {
  naming: StreamNaming
  duplicateWindowMs: number
  replicas: number
  maxAgeMs: number
}

/** Creates the producer's stream if it does not exist yet; an existing one is left as configured. */
export async function ensureStream(jsm: JetStreamManager, source: string, settings: StreamSettings): Promise<void> {
  const name = settings.naming.stream(source)
  try {
    await jsm.streams.info(name)
    return
  } catch (error) {
    if (!isNotFound(error)) throw error
  }
  try {
    await jsm.streams.add({
      name,
      subjects: [settings.naming.subjects(source)],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      duplicate_window: nanos(settings.duplicateWindowMs),
      num_replicas: settings.replicas,
      max_age: nanos(settings.maxAgeMs),
    })
  } catch (error) {
    // Another process created it in the meantime.
    if (!String((error as Error).message).includes('already in use')) throw error
  }
}

/**
 * A fresh outbox (its first event at position 1) must find its stream empty, or holding that very event (a
 * first publish retried). Another event there means another outbox filled the stream, e.g. a shop whose
 * databases were made afresh while its streams stayed, and consumers would take those events for this
 * producer's. (Later positions are not compared: a retry after the server's duplicate window stores an event
 * twice, and from then on stream sequences run ahead of positions, harmlessly.)
 */
export async function ensureStreamContinuesOutbox(
  jsm: JetStreamManager,
  name: string,
  first: { position: number; eventId: string },
): Promise<void> {
  if (first.position !== 1) return
  const stored = await jsm.streams.getMessage(name, { seq: 1 })
  const storedId = stored?.header?.get('Nats-Msg-Id')
  // No first message in a stream that has had some: removed by age or a purge, so not this new outbox's.
  const foreign = stored === null ? (await jsm.streams.info(name)).state.last_seq > 0 : storedId !== first.eventId
  if (foreign) {
    throw new ForeignStream(
      `Stream ${name} already holds another producer's events (${storedId || 'an event without an id'} first), ` +
        'and this outbox is new: ' +
        'give this deployment its own NATS_NAMESPACE, or delete the stream if its events are not needed.',
      { details: { stream: name, stored: storedId, event: first.eventId } },
    )
  }
}

/**
 * Refuses to let a consumer go on past events its stream no longer holds (removed by the age limit or a
 * purge) instead of skipping them without a trace, as the HTTP feed refuses with FeedPurged. `after` is the
 * last sequence the consumer has; the next it needs is `after + 1`.
 */
export async function ensureStreamHoldsNext(
  jsm: JetStreamManager,
  name: string,
  after: number,
  consumer: string,
): Promise<void> {
  const { first_seq: first } = (await jsm.streams.info(name)).state
  if (first <= after + 1) return
  throw new StreamPurged(
    `Stream ${name} no longer holds sequences ${after + 1} to ${first - 1}, ` +
      `which consumer ${consumer} has not applied ` +
      "(removed by the stream's age limit or a purge): it refuses to go on without them. " +
      'Rebuild what it feeds from another source, or move its cursor past them knowingly.',
    { details: { stream: name, consumer, after, oldest: first } },
  )
}

export function isNotFound(error: unknown): boolean {
  const text = String((error as Error)?.message ?? error)
  return (
    text.includes('not found') ||
    (error as { code?: unknown })?.code === '404' ||
    (error as { status?: unknown })?.status === 404
  )
}
