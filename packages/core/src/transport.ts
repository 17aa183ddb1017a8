import type { DeliveredEvent } from './envelope.ts'

/**
 * Receives one batch of events, in feed order, and resolves only once their effects are committed.
 * A rejection means the batch was not applied (an infrastructure fault): the transport delivers the
 * same events again, after a pause. Poison events are the handler's business (see @seams/inbox).
 */
export type BatchHandler = (events: DeliveredEvent[]) => Promise<void>

export interface SubscribeOptions {
  /** The producing service whose events to receive, e.g. `catalog`. */
  source: string
  /** Durable name of this consumer; one cursor per name. */
  consumer: string
  /** Event types to receive; all of the source's types when omitted. */
  types?: readonly string[]
  /**
   * Position of the last event already applied, read from the consumer's own database. Transports
   * with a server-side cursor (JetStream) use it only when they must create that cursor.
   */
  resumeAfter: () => Promise<number>
  /**
   * `cursor` resumes after `resumeAfter()`. `now` starts after the newest event and keeps its place in
   * memory only: for consumers that hold no state worth replaying, such as a cache's invalidation.
   * @default 'cursor'
   */
  startAt?: 'cursor' | 'now'
  /**
   * Most events handed to the handler at once.
   * @default 256
   */
  maxBatch?: number
  /**
   * Called when the transport gives up on an event (JetStream's bounded redelivery ran out), so that
   * the consumer records it as a dead letter instead of it vanishing.
   */
  onUndeliverable?: (event: DeliveredEvent, reason: string) => Promise<void>
}

/** How far a consumer trails its producer. */
export interface ConsumerLag {
  /** Events published but not yet applied. */
  events: number
  /** Age of the oldest event not yet applied, 0 when caught up. */
  seconds: number
  /** Consecutive failed reads of the producer (down, unreachable); 0 while it answers. */
  failures: number
  /**
   * Set while the transport refuses to go on: the events after the consumer's position are no longer kept
   * (removed by retention or a purge), and going on would silently skip them. Waiting does not help.
   */
  refused?: { code: string; message: string }
}

export interface Subscription {
  readonly consumer: string
  readonly source: string
  lag(): ConsumerLag
  /** Stops fetching, waits for the batch in hand to finish. */
  stop(): Promise<void>
}

/** A stamped outbox row as the relay hands it to a transport; the envelope stays JSON text. */
export interface StampedRecord {
  position: number
  eventId: string
  type: string
  subject: string
  /** The CloudEvents JSON, exactly as committed. */
  envelope: string
}

/** Moves committed outbox events from their producer to consumers. */
export interface Transport {
  readonly kind: string
  /**
   * Called by the outbox relay with stamped records in position order, inside the stamping
   * transaction: resolves once the transport holds them durably, so that a rejection undoes the stamp.
   * Transports that serve the producer's outbox table directly (the HTTP feed) have nothing to do here.
   */
  publish?(source: string, records: readonly StampedRecord[]): Promise<void>
  subscribe(options: SubscribeOptions, handler: BatchHandler): Subscription
  close(): Promise<void>
}
