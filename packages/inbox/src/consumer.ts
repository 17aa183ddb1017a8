import { setTimeout as sleep } from 'node:timers/promises'
import {
  faultPoint,
  type ConsumerLag,
  type DeliveredEvent,
  type EventContract,
  type Logger,
  type Subscription,
  type Transport,
} from '@seams/core'
import { runWhileLeader, type LeaderLock } from '@seams/leader-lock'
import { createEventDecoder, type Upcaster } from '@seams/schema-registry'
import type { Sql, TransactionSql } from 'postgres'
import type { Registry } from 'prom-client'
import { deliveryDecider, freshInOrder } from './consumer-decisions.ts'
import { DEAD_LETTER_RETRY_CHANNEL, deadLetterOf, recordDeadLetter, type Letter } from './dead-letters.ts'
import { storable } from './envelope-check.ts'
import { MalformedEnvelope, NotConsumerLeader } from './errors.ts'
import type { EventHandler } from './event-handler.ts'
import { consumerMetrics, type ConsumerMetrics } from './consumer-metrics.ts'
import { inBatchSpan, inEventSpans } from './consumer-tracing.ts'

export interface ConsumerOptions {
  /** The consumer's own database: inbox, cursor, dead letters and the effects share its transactions. */
  sql: Sql
  /**
   * Pool the leader lock takes its connection from, so that holding leadership never takes a connection
   * from the pool the consumer (and the service's requests) work with.
   * @default sql
   */
  leadershipSql?: Sql
  /** Durable name, unique in the service, e.g. `order-history.orders`. */
  name: string
  /** The producing service. */
  source: string
  transport: Transport
  handlers: readonly EventHandler[]
  /** Older versions still accepted, brought up to the handlers' versions by `upcasters`. */
  older?: readonly EventContract[]
  upcasters?: readonly Upcaster[]
  /**
   * Attempts at an event whose handler throws before it is dead-lettered.
   * @default 5
   */
  maxAttempts?: number
  /**
   * Pause before the second attempt; doubled for each later one.
   * @default 50
   */
  retryDelayMs?: number
  /**
   * Most events per transaction.
   * @default 256
   */
  maxBatch?: number
  /**
   * How often the leader prunes the inbox and looks for dead letters an operator asked to retry (a request
   * made through `requestDeadLetterRetry` also wakes it at once, by NOTIFY). Each round wakes an idle process.
   * @default 60000
   */
  housekeepingMs?: number
  /**
   * How long inbox rows are kept; a redelivery older than this is caught by aggregate versions instead.
   * @default 604800000 (7 days)
   */
  inboxRetentionMs?: number
  logger?: Logger
  metrics?: Registry
  /**
   * Whether the consumer's commits wait for the WAL flush. They need not: what a consumer applies is
   * derived from the producer's feed, and its inbox and cursor are lost together with its effects, so after
   * a crash the events are simply delivered and applied again; a later synchronous commit (the relay's,
   * any producer's) makes them durable anyway. Set true for handlers with effects nobody can replay.
   * A transaction whose handler enqueued outbox events commits synchronously regardless: the outbox raises
   * the setting with its insert, since a relay may publish the row before anything flushes it (outbox.ts).
   * @default false
   */
  synchronousCommit?: boolean
  /** Called after each commit with the events it applied, e.g. to measure propagation precisely. */
  onApplied?: (events: readonly DeliveredEvent[], committedAt: number) => void
  /**
   * Runs first in every transaction that applies events, e.g. to take a lock shared with other consumers
   * writing the same rows, whose batches would otherwise lock them in different orders and deadlock.
   */
  beforeApplying?: (tx: TransactionSql) => Promise<unknown>
  /**
   * The key of the row an event writes, where consumers of other sources write the same rows: a batch is
   * applied in key order (events of one key keep theirs), so that two consumers' batches lock shared rows in
   * one order and cannot deadlock, while both go on at once.
   */
  rowKey?: (event: DeliveredEvent) => string
}

export interface Consumer {
  readonly name: string
  readonly source: string
  start(): void
  stop(): Promise<void>
  lag(): ConsumerLag
  isLeader(): boolean
}

// Array.prototype.sort is stable: events of one key keep their feed order.
const byRowKey = (events: readonly DeliveredEvent[], rowKey: (event: DeliveredEvent) => string) =>
  events
    .map((event) => ({ event, key: rowKey(event) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ event }) => event)

const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error))

/**
 * An idempotent consumer of one producer's events. One replica at a time consumes (leader lock), so
 * events apply in feed order. A batch applies in one transaction with its inbox rows and cursor; if a
 * handler throws, the batch is replayed event by event so that only the failing event is retried and,
 * after maxAttempts, dead-lettered while the others flow on.
 */
export function createConsumer(options: ConsumerOptions): Consumer {
  const { sql, name, source } = options
  const decoder = createEventDecoder({
    wanted: options.handlers.map((handler) => handler.contract),
    older: options.older,
    upcasters: options.upcasters,
  })
  const handlers = new Map(options.handlers.map((handler) => [handler.contract.type, handler]))
  // What to do with each event (apply, skip, retry, dead-letter, hand back) is decided there, without I/O.
  const decider = deliveryDecider({ maxAttempts: options.maxAttempts, retryDelayMs: options.retryDelayMs })
  const untried = decider.initialState()
  const metrics: ConsumerMetrics | undefined =
    options.metrics === undefined ? undefined : consumerMetrics(options.metrics)
  const labels = { consumer: name }
  let subscription: Subscription | undefined
  let lock: LeaderLock | undefined
  let leading: AbortSignal | undefined
  const traceNames = { consumer: name, source, transport: options.transport.kind }

  // The commit setting goes first, so that an outbox insert later in the transaction can raise it again (see
  // above); `claimBatch` sets it in its own statement, the other transactions here in one of their own.
  const asynchronous = options.synchronousCommit !== true
  const consumerTransaction = <T>(work: (tx: TransactionSql) => Promise<T>, settingDone = false) =>
    sql.begin(async (tx) => {
      if (asynchronous && !settingDone) await tx`set local synchronous_commit = off`
      await options.beforeApplying?.(tx)
      return work(tx)
    })

  // A batch's first statement: the commit setting, its inbox rows (returning the events not seen before) and
  // the cursor after it, in one round trip.
  const claimBatch = (tx: TransactionSql, events: readonly DeliveredEvent[]) => tx<{ eventId: string }[]>`
    with setting as (
      select set_config('synchronous_commit', 'off', true) where ${asynchronous}::boolean
    ), cursor as (
      insert into seams_consumer_cursors (consumer, source, position)
      values (${name}, ${source}, ${events.at(-1)!.position})
      on conflict (consumer) do update
      set position = greatest(seams_consumer_cursors.position, excluded.position), updated_at = now()
    )
    insert into seams_inbox (consumer, event_id)
    select ${name}, id from unnest(${events.map((event) => event.id)}::uuid[]) as id
    left join setting on true
    on conflict do nothing returning event_id as "eventId"`

  const saveCursor = (tx: TransactionSql, position: number) => tx`
    insert into seams_consumer_cursors (consumer, source, position) values (${name}, ${source}, ${position})
    on conflict (consumer) do update
    set position = greatest(seams_consumer_cursors.position, excluded.position), updated_at = now()`

  async function apply(tx: TransactionSql, event: DeliveredEvent): Promise<void> {
    const decoded = decoder.decode(event)
    await inEventSpans(traceNames, [decoded], () => handlers.get(decoded.type)!.handle(tx, decoded))
  }

  // Consecutive events of a type whose handler takes batches go in one call; order is kept throughout.
  async function applyInOrder(tx: TransactionSql, events: readonly DeliveredEvent[]): Promise<void> {
    const decoded = events.map((event) => decoder.decode(event))
    for (let start = 0; start < decoded.length;) {
      const handler = handlers.get(decoded[start]!.type)!
      let end = start + 1
      if (handler.handleBatch !== undefined)
        while (end < decoded.length && decoded[end]!.type === decoded[start]!.type) end += 1
      const run = decoded.slice(start, end)
      if (handler.handleBatch !== undefined) await inEventSpans(traceNames, run, () => handler.handleBatch!(tx, run))
      else await inEventSpans(traceNames, run, () => handler.handle(tx, run[0]!))
      start = end
    }
  }

  function observeApplied(events: readonly DeliveredEvent[]): void {
    const now = Date.now()
    options.onApplied?.(events, now)
    for (const event of events) {
      const age = now - Date.parse(event.time)
      if (Number.isFinite(age)) metrics?.propagation.observe(labels, Math.max(0, age) / 1000)
    }
    metrics?.events.inc({ ...labels, outcome: 'applied' }, events.length)
  }

  async function applyBatch(events: readonly DeliveredEvent[]): Promise<void> {
    if (leading?.aborted !== false) throw new NotConsumerLeader(`${name} is not the active consumer`)
    const applied: DeliveredEvent[] = []
    await consumerTransaction(async (tx) => {
      const rows = await claimBatch(tx, events)
      applied.push(
        ...freshInOrder(
          events,
          rows.map((row) => row.eventId),
        ),
      )
      await applyInOrder(tx, options.rowKey === undefined ? applied : byRowKey(applied, options.rowKey))
    }, true)
    faultPoint('consumer.applied')
    observeApplied(applied)
    metrics?.events.inc({ ...labels, outcome: 'duplicate' }, events.length - applied.length)
  }

  const letterOf = (event: DeliveredEvent) => deadLetterOf(event, { transport: options.transport.kind, source })

  // No inbox row: the cursor moves past the event, and a retry later applies it through the inbox.
  async function deadLetter(letter: Letter, error: unknown, attempts: number): Promise<void> {
    await consumerTransaction(async (tx) => {
      await recordDeadLetter(tx, { consumer: name, source, letter, error: describe(error), attempts })
      await saveCursor(tx, letter.position)
    })
    metrics?.events.inc({ ...labels, outcome: 'dead_lettered' })
    options.logger?.error(
      {
        err: error,
        consumer: name,
        eventId: letter.eventId,
        type: letter.type,
        subject: letter.subject,
        position: letter.position,
        attempts,
      },
      'event dead-lettered',
    )
  }

  async function applyOne(event: DeliveredEvent): Promise<void> {
    for (let state = decider.initialState(); ;) {
      let applies = false
      try {
        await consumerTransaction(async (tx) => {
          const [claimed] = await tx`
            insert into seams_inbox (consumer, event_id) values (${name}, ${event.id})
            on conflict do nothing returning 1`
          applies = decider.decide({ type: 'Claim', fresh: claimed !== undefined }, state).type === 'Apply'
          if (applies) await apply(tx, event)
          await saveCursor(tx, event.position)
        })
        if (applies) observeApplied([event])
        return
      } catch (error) {
        const decision = decider.decide({ type: 'HandlerFailed', error }, state)
        if (decision.type === 'DeadLetter') return deadLetter(letterOf(event), error, decision.attempts)
        if (decision.type !== 'Retry') throw error
        metrics?.retries.inc(labels)
        options.logger?.warn(
          { err: error, consumer: name, eventId: event.id, attempt: decision.attempt },
          'event handler failed; retrying',
        )
        await sleep(decision.delayMs)
        state = decider.evolve(state, decision)
      }
    }
  }

  async function applyRun(events: DeliveredEvent[]): Promise<void> {
    try {
      await applyBatch(events)
    } catch (error) {
      if (decider.decide({ type: 'BatchFailed', error }, untried).type === 'Redeliver') throw error
      // Isolate the failing event: the others of the batch apply one by one.
      for (const event of events) await applyOne(event)
    }
  }

  // The envelope is checked before anything reads it: the inbox keys on the id, the handler is chosen by
  // the type. A malformed message is dead-lettered in its place, at once (no attempt can repair it), and the
  // well-formed runs around it apply as usual; the order is kept, so the cursor never passes a message
  // that left no trace.
  async function handleBatch(events: DeliveredEvent[]): Promise<void> {
    let run: DeliveredEvent[] = []
    for (const event of events) {
      const received = decider.decide({ type: 'Receive', event }, untried)
      if (received.type !== 'DeadLetter') {
        run.push(event)
        continue
      }
      if (run.length > 0) await applyRun(run)
      run = []
      await deadLetter(letterOf(event), new MalformedEnvelope(received.problems ?? ''), received.attempts)
    }
    if (run.length > 0) await applyRun(run)
  }

  async function retryRequestedDeadLetters(): Promise<void> {
    const rows = await sql<{ id: number; envelope: DeliveredEvent }[]>`
      select id, envelope from seams_dead_letters
      where consumer = ${name} and retry_requested_at is not null and resolved_at is null order by id limit 100`
    for (const row of rows) {
      try {
        const received = decider.decide({ type: 'Receive', event: row.envelope }, untried)
        if (received.type === 'DeadLetter') throw new MalformedEnvelope(received.problems ?? '')
        await consumerTransaction(async (tx) => {
          // A transport may have delivered it again meanwhile: then it is resolved without a second effect.
          const [claimed] = await tx`
            insert into seams_inbox (consumer, event_id) values (${name}, ${row.envelope.id})
            on conflict do nothing returning 1`
          if (decider.decide({ type: 'Claim', fresh: claimed !== undefined }, untried).type === 'Apply')
            await apply(tx, row.envelope)
          await tx`update seams_dead_letters set resolved_at = now() where id = ${row.id}`
        })
        options.logger?.info({ consumer: name, deadLetter: row.id }, 'dead letter retried successfully')
      } catch (error) {
        await sql`
          update seams_dead_letters
          set attempts = attempts + 1, error = ${storable(describe(error))}, retry_requested_at = null
          where id = ${row.id}`
        options.logger?.error({ err: error, consumer: name, deadLetter: row.id }, 'dead letter retry failed')
      }
    }
  }

  async function consume(_connection: unknown, signal: AbortSignal): Promise<void> {
    leading = signal
    subscription = options.transport.subscribe(
      {
        source,
        consumer: name,
        types: decoder.types,
        maxBatch: options.maxBatch,
        resumeAfter: async () => {
          const [row] = await sql<
            { position: number }[]
          >`select position from seams_consumer_cursors where consumer = ${name}`
          return row?.position ?? 0
        },
        onUndeliverable: (event, reason) => deadLetter(letterOf(event), new Error(reason), 0),
      },
      (events) => inBatchSpan(traceNames, events, () => handleBatch(events)),
    )
    const retention = (options.inboxRetentionMs ?? 7 * 24 * 3600 * 1000) / 1000
    let wake = () => {}
    const retryRequested = sql
      .listen(DEAD_LETTER_RETRY_CHANNEL, () => wake())
      .catch((error: unknown) => {
        options.logger?.warn({ err: error, consumer: name }, 'cannot listen for dead-letter retries; polling only')
        return undefined
      })
    try {
      while (!signal.aborted) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, options.housekeepingMs ?? 60_000)
          signal.addEventListener('abort', done, { once: true })
          function done() {
            clearTimeout(timer)
            signal.removeEventListener('abort', done)
            resolve()
          }
          wake = done
        })
        if (signal.aborted) break
        await retryRequestedDeadLetters().catch((error) =>
          options.logger?.warn({ err: error, consumer: name }, 'dead-letter retry pass failed'),
        )
        await sql`
          delete from seams_inbox
          where consumer = ${name} and processed_at < now() - ${retention} * interval '1 second'`.catch(() => {})
      }
    } finally {
      await subscription.stop()
      await (await retryRequested)?.unlisten().catch(() => {})
    }
  }

  metrics?.register(name, () => subscription?.lag() ?? { events: 0, seconds: 0, failures: 0 })

  return {
    name,
    source,
    start() {
      lock ??= runWhileLeader(
        { sql: options.leadershipSql ?? sql, key: `seams.consumer.${name}`, logger: options.logger },
        consume,
      )
    },
    async stop() {
      await lock?.stop()
      lock = undefined
    },
    lag: () => subscription?.lag() ?? { events: 0, seconds: 0, failures: 0 },
    isLeader: () => lock?.isLeader() ?? false,
  }
}
