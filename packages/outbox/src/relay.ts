import { backoffDelay, failSpan, tracingEnabled, type Logger, type StampedRecord, type Transport } from '@seams/core'
import { faultPoint } from '@seams/core'
import { runWhileLeader, type LeaderLock } from '@seams/leader-lock'
import type { Span } from '@opentelemetry/api'
import type { ReservedSql, Sql } from 'postgres'
import type { Registry } from 'prom-client'
import { COMMITTED_CHANNEL, STAMPED_CHANNEL, outboxSignals, type Outbox } from './outbox.ts'
import { publishSpan, traceparentOfRecord } from './outbox-tracing.ts'
import { relayMetrics } from './relay-metrics.ts'

export interface RelayOptions {
  outbox: Outbox
  /**
   * Pool the leader lock (and the stamping, on the lock's own session) takes its connection from, so that
   * holding leadership never takes a connection from the pool serving requests.
   * @default the outbox's pool
   */
  leadershipSql?: Sql
  transport: Pick<Transport, 'publish'>
  logger?: Logger
  metrics?: Registry
  /**
   * Most events stamped (and published) per transaction.
   * @default 500
   */
  batchSize?: number
  /**
   * Longest sleep between two looks at the outbox when no wake-up arrives. Commits wake the relay (in process,
   * or by NOTIFY from other processes; consumers call `outbox.wakeRelay()`), so this is the backstop for a lost
   * wake-up, and each look wakes an idle process.
   * @default 5000
   */
  pollIntervalMs?: number
  /**
   * How long the relay lets commits gather after a wake-up before it stamps them: a few milliseconds of
   * latency buy batches instead of one stamping transaction (and one fsync) per commit. Every millisecond
   * here is added to propagation lag at moderate rates (ARCHITECTURE.md, Performance).
   * @default 3
   */
  lingerMs?: number
  /**
   * How often a standby tries to take over, and, when set, how often the leader checks the session it stamps
   * on (otherwise every 5 s: see `@seams/leader-lock`).
   * @default 1000
   */
  standbyRetryMs?: number
  /**
   * How long stamped events stay in the outbox (and so in the HTTP feed) before clean-up removes them.
   * @default 604800000 (7 days)
   */
  retentionMs?: number
  /**
   * How often the leader removes expired events.
   * @default 60000
   */
  cleanupIntervalMs?: number
}

export interface Relay {
  /** Starts competing for leadership and, once leading, relaying; returns at once. */
  start(): void
  /** Stops after the batch in hand and releases leadership. */
  stop(): Promise<void>
  isLeader(): boolean
  /** Removes expired events now; the leader also does this every cleanupIntervalMs. */
  cleanup(): Promise<number>
}

/**
 * The one active relay of a producer (see @seams/leader-lock: a standby in another replica takes over
 * when the leader dies). It stamps committed events with consecutive feed positions in commit order,
 * hands them to the transport inside the same transaction, and wakes on an in-process signal or a
 * NOTIFY from another replica, polling as a fallback.
 */
export function createRelay(options: RelayOptions): Relay {
  const { outbox } = options
  const signals = outboxSignals(outbox)
  const sql = outbox.sql
  const batchSize = options.batchSize ?? 500
  const pollIntervalMs = options.pollIntervalMs ?? 5000
  const retentionMs = options.retentionMs ?? 7 * 24 * 3600 * 1000
  const cleanupIntervalMs = options.cleanupIntervalMs ?? 60_000
  const metrics = options.metrics === undefined ? undefined : relayMetrics(options.metrics, outbox)
  const labels = { source: outbox.source }
  let lock: LeaderLock | undefined
  let wake: (() => void) | undefined
  const wakeUp = () => wake?.()
  let cleaning: Promise<unknown> | undefined

  function waitForWork(ms: number, signal: AbortSignal, linger = 0): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve()
      const done = () => {
        clearTimeout(timer)
        signal.removeEventListener('abort', done)
        wake = undefined
        resolve()
      }
      const timer = setTimeout(done, ms)
      wake = linger > 0 ? () => ((wake = undefined), setTimeout(done, linger)) : done
      signal.addEventListener('abort', done, { once: true })
    })
  }

  // Nothing to publish (the HTTP feed serves the table): one statement stamps, notifies and commits. While
  // tracing, it also returns the stamped events' traceparents, for the batch's span to link to.
  async function stampOnly(connection: ReservedSql, last: number): Promise<number> {
    const traced = tracingEnabled()
    const started = traced ? Date.now() : 0
    const [row] = await connection<{ head: number | null; types: string | null; traceparents?: (string | null)[] }[]>`
      with pending as (
        select id, row_number() over (order by id) as rank
        from seams_outbox where position is null order by id limit ${batchSize}
      ), stamped as (
        update seams_outbox o set position = ${last}::int8 + pending.rank, stamped_at = clock_timestamp()
        from pending where o.id = pending.id
        returning o.position, o.type${traced ? connection`, o.envelope->>'traceparent' as traceparent` : connection``}
      ), batch as (
        select max(position)::int8 as head, string_agg(distinct type, ',') as types
        ${traced ? connection`, array_agg(traceparent) as traceparents` : connection``}
        from stamped
      )
      select *, case when head is not null then pg_notify(${STAMPED_CHANNEL}, head::text || ' ' || types) end
      from batch`
    const head = row?.head ?? last
    if (head > last) publishSpan(outbox.source, started, row?.traceparents ?? [])?.end()
    if (head > last) {
      metrics?.stamped.inc(labels, head - last)
      signals.stamped(head, row?.types?.split(',') ?? [])
    }
    return head
  }

  async function stampBatch(connection: ReservedSql, last: number): Promise<number> {
    const started = tracingEnabled() ? Date.now() : 0
    let span: Span | undefined
    await connection`begin`
    try {
      const rows = await connection<StampedRecord[]>`
        with pending as (
          select id, row_number() over (order by id) as rank
          from seams_outbox where position is null order by id limit ${batchSize}
        )
        update seams_outbox o set position = ${last}::int8 + pending.rank, stamped_at = clock_timestamp()
        from pending where o.id = pending.id
        returning o.position, o.event_id as "eventId", o.type, o.subject, o.envelope::text as envelope`
      if (rows.length === 0) {
        await connection`rollback`
        return last
      }
      const records = [...rows].sort((a, b) => a.position - b.position)
      const head = records[records.length - 1]!.position
      if (started !== 0)
        span = publishSpan(
          outbox.source,
          started,
          records.map((record) => traceparentOfRecord(record.envelope)),
        )
      if (options.transport.publish !== undefined) await options.transport.publish(outbox.source, records)
      faultPoint('relay.published')
      const types = [...new Set(records.map((record) => record.type))]
      await connection`select pg_notify(${STAMPED_CHANNEL}, ${`${head} ${types.join(',')}`})`
      await connection`commit`
      span?.end()
      metrics?.stamped.inc(labels, records.length)
      signals.stamped(head, types)
      return head
    } catch (error) {
      if (span !== undefined) {
        failSpan(span, error)
        span.end()
      }
      await connection`rollback`.catch(() => {})
      throw error
    }
  }

  async function relay(connection: ReservedSql, signal: AbortSignal): Promise<void> {
    const lastStamped = async () =>
      (await connection<{ last: number }[]>`select coalesce(max(position), 0)::int8 as last from seams_outbox`)[0]!.last
    let position = await lastStamped()
    const listener = await sql.listen(COMMITTED_CHANNEL, wakeUp)
    const detach = signals.attachRelay(wakeUp)
    metrics?.leader.set(labels, 1)
    let nextCleanup = Date.now() + cleanupIntervalMs
    let failures = 0
    try {
      while (!signal.aborted) {
        try {
          const head =
            options.transport.publish === undefined
              ? await stampOnly(connection, position)
              : await stampBatch(connection, position)
          const stamped = head - position
          position = head
          failures = 0
          // Beside the stamping, on a pooled connection: deleting a minute's worth of expired events takes
          // long enough to stall propagation if the relay waited for it.
          if (Date.now() >= nextCleanup && cleaning === undefined) {
            nextCleanup = Date.now() + cleanupIntervalMs
            cleaning = cleanup()
              .catch((error) => options.logger?.warn({ err: error }, 'outbox clean-up failed'))
              .finally(() => (cleaning = undefined))
          }
          if (stamped < batchSize) await waitForWork(pollIntervalMs, signal, options.lingerMs ?? 3)
        } catch (error) {
          failures += 1
          metrics?.failures.inc(labels)
          options.logger?.warn({ err: error, failures }, 'relay batch failed; retrying')
          await waitForWork(backoffDelay(failures), signal)
          // Another relay may have stamped meanwhile (this one lost its session without noticing yet).
          position = await lastStamped().catch(() => position)
        }
      }
    } finally {
      metrics?.leader.set(labels, 0)
      detach()
      await listener.unlisten().catch(() => {})
      await cleaning
    }
  }

  // Positions are stamped in time order, so the expired events are the oldest positions: each round looks
  // at the oldest 5,000 only, never the whole table (ARCHITECTURE.md, Performance).
  async function cleanup(): Promise<number> {
    let removed = 0
    for (;;) {
      const result = await sql`
        delete from seams_outbox where id in (
          select id from (
            select id, stamped_at from seams_outbox
            where position is not null and position < (select max(position) from seams_outbox)
            order by position limit 5000
          ) oldest
          where stamped_at < now() - ${retentionMs / 1000} * interval '1 second')`
      removed += result.count
      if (result.count < 5000) return removed
    }
  }

  return {
    start() {
      lock ??= runWhileLeader(
        {
          sql: options.leadershipSql ?? sql,
          key: `seams.outbox.relay.${outbox.source}`,
          intervalMs: options.standbyRetryMs,
          heartbeatMs: options.standbyRetryMs,
          logger: options.logger,
        },
        relay,
      )
    },
    async stop() {
      await lock?.stop()
      lock = undefined
    },
    isLeader: () => lock?.isLeader() ?? false,
    cleanup,
  }
}
