import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { AckPolicy, DeliverPolicy, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream'
import { nanos, type NatsConnection } from '@nats-io/transport-node'
import {
  backoffDelay,
  type BatchHandler,
  type ConsumerLag,
  type DeliveredEvent,
  type Logger,
  type SubscribeOptions,
  type Subscription,
} from '@seams/core'
import { StreamPurged } from './errors.ts'
import { eventOfMessage } from './message-event.ts'
import { durableNameOf, type StreamNaming } from './names.ts'
import { ensureStreamHoldsNext, isNotFound } from './streams.ts'

export interface FollowOptions {
  subscribe: SubscribeOptions
  handler: BatchHandler
  connect(): Promise<{ nc: NatsConnection; js: JetStreamClient; jsm: JetStreamManager }>
  logger?: Logger
  maxDeliver: number
  ackWaitMs: number
  naming: StreamNaming
}

/**
 * Follows a durable pull consumer. The consumer's database cursor is the truth: at each start the
 * durable is re-anchored there if the server's view differs (messages left unacknowledged by a crash),
 * so they are delivered again, in stream order, before anything newer.
 */
export function followDurable(options: FollowOptions): Subscription {
  const { subscribe } = options
  const stream = options.naming.stream(subscribe.source)
  // A consumer that starts at `now` keeps no position: each subscription gets a durable of its own that
  // the server removes once it has been idle for a minute.
  const fromNow = subscribe.startAt === 'now'
  const durable = durableNameOf(
    fromNow ? `${subscribe.consumer}-${randomBytes(4).toString('hex')}` : subscribe.consumer,
  )
  const maxBatch = subscribe.maxBatch ?? 256
  // Told apart by the subject the relay published to (the outbox row's type), as the HTTP feed filters by
  // the row's type column: a malformed envelope is not read to decide, and reaches the consumer to be
  // dead-lettered instead of being acknowledged unseen.
  const wanted =
    subscribe.types === undefined || subscribe.types.length === 0
      ? undefined
      : new Set(subscribe.types.map(options.naming.subject))
  const aborter = new AbortController()
  let stopCurrent: (() => void) | undefined
  let lag: ConsumerLag = { events: 0, seconds: 0, failures: 0 }
  let failures = 0

  async function pause(error: unknown, message: string): Promise<void> {
    failures += 1
    const refusing = error instanceof StreamPurged
    if (refusing && lag.refused === undefined)
      options.logger?.error(
        { err: error, consumer: subscribe.consumer, stream },
        'events this consumer needs were removed from the stream; it refuses to go on',
      )
    lag = {
      events: lag.events,
      seconds: lag.seconds,
      failures,
      ...(refusing ? { refused: { code: error.code, message: error.message } } : {}),
    }
    if (failures === 5) options.logger?.warn({ err: error, consumer: subscribe.consumer, stream, failures }, message)
    else if (failures % 30 === 0)
      options.logger?.error({ err: error, consumer: subscribe.consumer, stream, failures }, message)
    await sleep(backoffDelay(failures), undefined, { signal: aborter.signal }).catch(() => {})
  }

  async function anchorAtNow(jsm: JetStreamManager): Promise<void> {
    const exists = await jsm.consumers.info(stream, durable).then(
      () => true,
      () => false,
    )
    if (exists) return
    await jsm.consumers.add(stream, {
      durable_name: durable,
      ack_policy: AckPolicy.All,
      filter_subject: options.naming.subjects(subscribe.source),
      deliver_policy: DeliverPolicy.New,
      ack_wait: nanos(options.ackWaitMs),
      inactive_threshold: nanos(60_000),
    })
  }

  // Returns the sequence the durable continues after.
  async function anchor(jsm: JetStreamManager, cursor: number): Promise<number> {
    const info = await jsm.consumers.info(stream, durable).catch((error: unknown) => {
      if (isNotFound(error)) return undefined
      throw error
    })
    const last = (await jsm.streams.info(stream)).state.last_seq
    const fromStart = cursor === 0 || cursor > last
    await ensureStreamHoldsNext(jsm, stream, fromStart ? 0 : cursor, subscribe.consumer)
    if (
      info !== undefined &&
      info.num_ack_pending === 0 &&
      info.delivered.stream_seq <= cursor &&
      info.ack_floor.stream_seq >= cursor
    )
      return cursor
    if (info !== undefined) await jsm.consumers.delete(stream, durable)
    if (cursor > last)
      options.logger?.error(
        { consumer: subscribe.consumer, stream, cursor, last },
        'consumer cursor is past the end of the stream (stream was reset?); ' +
          'replaying it from the start, the inbox drops what was already applied',
      )
    await jsm.consumers.add(stream, {
      durable_name: durable,
      // Explicit, acknowledging a batch with its last message once the batch committed.
      ack_policy: AckPolicy.All,
      filter_subject: options.naming.subjects(subscribe.source),
      ...(fromStart
        ? { deliver_policy: DeliverPolicy.All }
        : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: cursor + 1 }),
      ack_wait: nanos(options.ackWaitMs),
      max_deliver: options.maxDeliver,
      // Few unacknowledged messages at a time keeps redeliveries from overtaking newer messages.
      max_ack_pending: maxBatch * 2,
    })
    return fromStart ? 0 : cursor
  }

  const decode = (message: JsMsg): DeliveredEvent =>
    eventOfMessage({
      seq: message.seq,
      text: message.string(),
      messageId: message.headers?.get('Nats-Msg-Id') || undefined,
      type: options.naming.typeOf(message.subject),
    })

  // Retries the batch in process until it applies (the handler isolates poison events itself), keeping
  // the messages alive meanwhile; acknowledges only after the handler resolved, i.e. after commit.
  async function deliver(messages: JsMsg[]): Promise<void> {
    const events = messages.filter((message) => wanted === undefined || wanted.has(message.subject)).map(decode)
    while (events.length > 0 && !aborter.signal.aborted) {
      try {
        await options.handler(events)
        break
      } catch (error) {
        for (const message of messages) message.working()
        await pause(error, 'batch handler failed; retrying the same batch')
      }
    }
    if (aborter.signal.aborted) return
    messages.at(-1)!.ack()
    failures = 0
    const last = messages.at(-1)!
    const pending = last.info.pending
    lag = {
      events: pending,
      seconds: pending > 0 ? Math.max(0, Date.now() - last.info.timestampNanos / 1e6) / 1000 : 0,
      failures: 0,
    }
  }

  async function watchUndeliverable(nc: NatsConnection, jsm: JetStreamManager): Promise<() => void> {
    const advisories = nc.subscribe(`$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${stream}.${durable}`)
    void (async () => {
      for await (const advisory of advisories) {
        try {
          const { stream_seq: seq, deliveries } = advisory.json<{ stream_seq: number; deliveries: number }>()
          const stored = await jsm.streams.getMessage(stream, { seq })
          if (stored === null) throw new Error(`message ${seq} is no longer in the stream`)
          const event = eventOfMessage({
            seq,
            text: new TextDecoder().decode(stored.data),
            messageId: stored.header?.get('Nats-Msg-Id') || undefined,
            type: options.naming.typeOf(stored.subject),
          })
          await subscribe.onUndeliverable?.(event, `not acknowledged after ${deliveries} deliveries`)
        } catch (error) {
          options.logger?.error(
            { err: error, consumer: subscribe.consumer, stream },
            'could not record an undeliverable message',
          )
        }
      }
    })()
    return () => advisories.unsubscribe()
  }

  async function consumeOnce(): Promise<void> {
    const { nc, js, jsm } = await options.connect()
    // The last sequence seen: the stream delivers its sequences in order and without gaps (the durable
    // filters on all of the producer's subjects), so a jump means messages were removed under a running
    // consumer. A consumer starting at `now` has nothing to lose.
    let seen = fromNow ? undefined : await anchor(jsm, await subscribe.resumeAfter())
    if (fromNow) await anchorAtNow(jsm)
    const stopWatching = await watchUndeliverable(nc, jsm)
    const consumer = await js.consumers.get(stream, durable)
    try {
      // One pull at a time, each for up to a batch: messages are handled as soon as none more are
      // buffered, and the next pull goes out when this one is complete or expires.
      while (!aborter.signal.aborted) {
        const messages = await consumer.fetch({ max_messages: maxBatch, expires: 2000 })
        stopCurrent = () => messages.stop()
        let batch: JsMsg[] = []
        for await (const message of messages) {
          if (seen !== undefined && message.seq > seen + 1) {
            // What came before the jump is sound; then the stream decides whether the rest was removed.
            if (batch.length > 0) await deliver(batch)
            batch = []
            if (aborter.signal.aborted) break
            await ensureStreamHoldsNext(jsm, stream, seen, subscribe.consumer)
          }
          if (seen !== undefined) seen = Math.max(seen, message.seq)
          batch.push(message)
          if (batch.length < maxBatch && messages.getPending() > 0) continue
          await deliver(batch)
          batch = []
          if (aborter.signal.aborted) break
        }
        if (batch.length > 0 && !aborter.signal.aborted) await deliver(batch)
      }
    } finally {
      stopCurrent?.() // a refusal leaves the pull open otherwise
      stopCurrent = undefined
      stopWatching()
    }
  }

  const running = (async () => {
    while (!aborter.signal.aborted) {
      try {
        await consumeOnce()
        if (!aborter.signal.aborted)
          await pause(new Error('message iterator ended'), 'JetStream consumer stopped delivering; starting it again')
      } catch (error) {
        if (aborter.signal.aborted) break
        await pause(error, 'JetStream consumer failed; starting it again')
      }
    }
  })()

  return {
    consumer: subscribe.consumer,
    source: subscribe.source,
    lag: () => lag,
    async stop() {
      aborter.abort()
      stopCurrent?.()
      await running
    },
  }
}
