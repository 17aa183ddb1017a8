import { dataschemaOf, faultPoint, type EventContract, type EventEnvelope } from '@seams/core'
import type { PendingQuery, Row, Sql, TransactionSql } from 'postgres'
import { Compile } from 'typebox/compile'
import { EventDataInvalid, UnknownEventContract } from './errors.ts'
import { produceEvents } from './outbox-tracing.ts'

export interface OutboxOptions {
  /** The producer's own database. */
  sql: Sql
  /** This producer's service name; every event it enqueues must carry it as `source`. */
  source: string
  /** The contracts this producer publishes; anything else is refused before it is written. */
  contracts: readonly EventContract[]
  /**
   * Shortest pause between two wake-up notifications sent to a relay in another process, so that a
   * burst of commits costs one NOTIFY, not one each.
   * @default 10
   */
  notifyIntervalMs?: number
}

export interface Outbox {
  readonly source: string
  readonly sql: Sql
  /**
   * Appends events inside the caller's transaction: they exist if and only if it commits, and it commits
   * synchronously (see `durably` in outbox.ts), whatever the caller set.
   */
  enqueue(tx: TransactionSql, events: EventEnvelope | readonly EventEnvelope[]): Promise<void>
  /** Runs `work` in a transaction and, once it has committed, wakes the relay. */
  transaction<T>(work: (tx: TransactionSql) => Promise<T>): Promise<T>
  /**
   * Wakes the relay after a transaction that `transaction` did not open may have committed events (a
   * consumer's, whose handler enqueued some). Otherwise the relay finds them at its next poll.
   */
  wakeRelay(): void
  /**
   * The fast path for a change whose events are known before it runs: the change (one data-modifying
   * statement, e.g. an INSERT) and the events go to the database as one statement, so one round trip and
   * one implicit transaction instead of BEGIN, two statements and COMMIT. Both commit or neither does.
   */
  commitWith(change: PendingQuery<Row[]>, events: EventEnvelope | readonly EventEnvelope[]): Promise<void>
  /**
   * `commitWith` for a change that may not happen, e.g. an update guarded by the version it was decided on:
   * the events are written only if the change (which must end in RETURNING) returned a row. Returns its rows:
   * none means nothing was written, and the caller decides again.
   */
  commitWhen<T extends Row>(change: PendingQuery<T[]>, events: EventEnvelope | readonly EventEnvelope[]): Promise<T[]>
}

/**
 * How one outbox, its relay and its feed readers signal each other within the process. Kept off `Outbox`
 * (see `outboxSignals`): whoever could call `stamped` could wake feed readers with a head no relay wrote.
 */
export interface OutboxSignals {
  /** Called by the relay while it leads in this process: commits then wake it directly. */
  attachRelay(wake: () => void): () => void
  /** Called by the relay after each stamped batch, with its event types; feed readers in this process listen. */
  stamped(headPosition: number, types: readonly string[]): void
  onStamped(listener: (headPosition: number, types: readonly string[] | undefined) => void): () => void
}

const signalsOf = new WeakMap<Outbox, OutboxSignals>()

/** The in-process signals of an outbox made by `createOutbox`, for its relay and feed readers. */
export function outboxSignals(outbox: Outbox): OutboxSignals {
  const signals = signalsOf.get(outbox)
  if (signals === undefined) throw new TypeError(`the outbox of ${outbox.source} was not made by createOutbox`)
  return signals
}

/** The channel a producer notifies when it committed events; the leading relay listens. */
export const COMMITTED_CHANNEL = 'seams_outbox'
/**
 * The channel the relay notifies after stamping; feed servers in other processes listen. The payload is the
 * new head and the batch's event types: `1234 orders.OrderPlaced,orders.OrderConfirmed`.
 */
export const STAMPED_CHANNEL = 'seams_feed'

/** The head and types a STAMPED_CHANNEL payload carries; types undefined when it names none. */
export function parseStampedPayload(payload: string): { head: number; types: readonly string[] | undefined } {
  const [head, types] = payload.split(' ')
  return { head: Number(head), types: types === undefined || types === '' ? undefined : types.split(',') }
}

/**
 * Makes the transaction writing outbox rows commit synchronously, as part of the insert itself (no extra
 * round trip). A commit with `synchronous_commit = off` is visible before it is on disk, and the relay
 * publishes what is visible: JetStream holds the event before the stamp's own (synchronous) commit would
 * have flushed the row. A crash in between loses the row but not the published event, and whoever wrote it
 * writes it again: a consumer whose inbox row and effects were lost with it applies its event again and
 * enqueues a second event, the same aggregate version under a new id. Consumers commit asynchronously for
 * speed (their effects can be derived again), so this is decided here, where the row is written, rather
 * than by each consumer declaring that it writes events and staying right as its handlers change. Only
 * `off` is raised: `local` and the remote levels already wait for the local flush.
 */
const durably = (sql: Sql | TransactionSql) =>
  sql`(select set_config('synchronous_commit', 'on', true) where current_setting('synchronous_commit') = 'off') durably`

export function createOutbox(options: OutboxOptions): Outbox {
  const { sql, source } = options
  const validators = new Map(
    options.contracts.map((contract) => [dataschemaOf(contract), { contract, validator: Compile(contract.schema) }]),
  )
  let localRelay: (() => void) | undefined
  const stampedListeners = new Set<(headPosition: number, types: readonly string[] | undefined) => void>()
  const notifyRemoteRelay = throttledNotify(sql, options.notifyIntervalMs ?? 10)

  function committed(): void {
    faultPoint('outbox.committed')
    if (localRelay !== undefined) localRelay()
    else notifyRemoteRelay()
  }

  function check(envelope: EventEnvelope): void {
    const known = validators.get(envelope.dataschema)
    if (known === undefined || envelope.source !== source || envelope.type !== known.contract.type) {
      throw new UnknownEventContract(
        `${source} does not publish ${envelope.type} (${envelope.dataschema}) as source ${envelope.source}`,
      )
    }
    if (!known.validator.Check(envelope.data)) {
      const problems = [...known.validator.Errors(envelope.data)].map(
        (error) => `${error.instancePath || '/'} ${error.message}`,
      )
      throw new EventDataInvalid(`${envelope.dataschema} data is invalid: ${problems.join('; ')}`)
    }
  }

  // The events as rows of the outbox, in the statement that makes the change (see `durably`).
  const insertEvents = (list: readonly EventEnvelope[], condition = sql``) => sql`
    insert into seams_outbox (event_id, type, subject, envelope)
    select id, type, subject, envelope::json
    from unnest(${list.map((event) => event.id)}::uuid[], ${list.map((event) => event.type)}::text[],
                ${list.map((event) => event.subject)}::text[],
                ${list.map((event) => JSON.stringify(event))}::text[])
         as event(id, type, subject, envelope)
         left join ${durably(sql)} on true
    ${condition}`

  const outbox: Outbox = {
    source,
    sql,
    async enqueue(tx, events) {
      const given = Array.isArray(events) ? (events as readonly EventEnvelope[]) : [events as EventEnvelope]
      if (given.length === 0) return
      given.forEach(check)
      const produced = produceEvents(source, given)
      const list = produced.events
      try {
        if (list.length === 1) {
          const event = list[0]!
          await tx`
            insert into seams_outbox (event_id, type, subject, envelope)
            select ${event.id}, ${event.type}, ${event.subject}, ${JSON.stringify(event)}::text::json
            from (select 1) one left join ${durably(tx)} on true`
        } else {
          // Envelopes travel as text[] and are cast per row: a json[] parameter would be encoded twice.
          await tx`
            insert into seams_outbox (event_id, type, subject, envelope)
            select id, type, subject, envelope::json
            from unnest(${list.map((event) => event.id)}::uuid[], ${list.map((event) => event.type)}::text[],
                        ${list.map((event) => event.subject)}::text[],
                        ${list.map((event) => JSON.stringify(event))}::text[])
                 as event(id, type, subject, envelope)
                 left join ${durably(tx)} on true`
        }
      } catch (error) {
        produced.end(error)
        throw error
      }
      produced.end()
    },
    wakeRelay: () => committed(),
    async transaction(work) {
      const result = (await sql.begin(work)) as Awaited<ReturnType<typeof work>>
      committed()
      return result
    },
    async commitWith(change, events) {
      const given = Array.isArray(events) ? (events as readonly EventEnvelope[]) : [events as EventEnvelope]
      given.forEach(check)
      const produced = produceEvents(source, given)
      // A data-modifying WITH runs exactly once, referenced or not, in the same statement as the insert below.
      await sql`
        with change as (${change})
        ${insertEvents(produced.events)}`.catch((error: unknown) => {
        produced.end(error)
        throw error
      })
      produced.end()
      committed()
    },
    async commitWhen<T extends Row>(change: PendingQuery<T[]>, events: EventEnvelope | readonly EventEnvelope[]) {
      const given = Array.isArray(events) ? (events as readonly EventEnvelope[]) : [events as EventEnvelope]
      given.forEach(check)
      const produced = produceEvents(source, given)
      const onlyIfChanged = sql`where exists (select from change)`
      const rows = await sql<T[]>`
        with change as (${change}), written as (${insertEvents(produced.events, onlyIfChanged)})
        select * from change`.catch((error: unknown) => {
        produced.end(error)
        throw error
      })
      produced.end()
      if (rows.length > 0) committed()
      return rows
    },
  }
  signalsOf.set(outbox, {
    attachRelay(wake) {
      localRelay = wake
      return () => {
        if (localRelay === wake) localRelay = undefined
      }
    },
    stamped(headPosition, types) {
      for (const listener of stampedListeners) listener(headPosition, types)
    },
    onStamped(listener) {
      stampedListeners.add(listener)
      return () => stampedListeners.delete(listener)
    },
  })
  return outbox
}

// At most one NOTIFY in flight and one per interval; a commit during either is folded into the next.
function throttledNotify(sql: Sql, intervalMs: number): () => void {
  let busy = false
  let pending = false
  const send = () => {
    busy = true
    pending = false
    sql`select pg_notify(${COMMITTED_CHANNEL}, '')`
      .catch(() => {}) // the relay's polling covers a lost wake-up
      .finally(() =>
        setTimeout(() => {
          busy = false
          if (pending) send()
        }, intervalMs),
      )
  }
  return () => {
    if (busy) pending = true
    else send()
  }
}
