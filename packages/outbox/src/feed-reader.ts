import type { Sql } from 'postgres'
import { FeedPurged } from './errors.ts'
import { STAMPED_CHANNEL, outboxSignals, parseStampedPayload, type Outbox } from './outbox.ts'

export interface FeedReadOptions {
  /** Position of the last event the reader has; 0 for the beginning. */
  after: number
  limit: number
  /** Only these event types; all when omitted. */
  types?: readonly string[]
  /** When nothing is newer than `after`, wait up to this long for the relay to stamp more. */
  waitMs?: number
  signal?: AbortSignal
}

export interface FeedPage {
  /** The events as `{...envelope,"position":N}` JSON texts joined by commas: wrap in [] to send. */
  eventsJson: string
  count: number
  /**
   * Where the reader continues: the last event's position, or the head when the page is not full
   * (every event up to the head was considered, whether or not its type was asked for).
   */
  next: number
  /** The newest stamped position and when it was stamped; lets readers compute their lag. */
  head: { position: number; time: string | null }
  /** The oldest position still kept; events before it were removed by retention. */
  oldest: number
}

export interface FeedReader {
  read(options: FeedReadOptions): Promise<FeedPage>
  close(): Promise<void>
}

interface PageRow {
  events: string | null
  count: number
  last: number | null
  head: number | null
  headTime: Date | null
  oldest: number | null
}

/**
 * Reads a producer's feed: stamped outbox rows after a position, in position order, in one statement
 * so that the page and the head come from the same snapshot. Waiting readers wake on the relay's
 * in-process signal or, when the relay leads in another replica, its NOTIFY.
 */
export function createFeedReader(outbox: Outbox): FeedReader {
  const sql: Sql = outbox.sql
  // Each waiting reader with the types it asked for (undefined: all); a stamp wakes only those it concerns.
  const waiters = new Map<() => void, ReadonlySet<string> | undefined>()
  const wakeFor = (_head: number, types: readonly string[] | undefined) => {
    for (const [waiter, wanted] of [...waiters])
      if (wanted === undefined || types === undefined || types.some((type) => wanted.has(type))) waiter()
  }
  const wakeAll = () => wakeFor(0, undefined)
  const detachLocal = outboxSignals(outbox).onStamped(wakeFor)
  let listening: ReturnType<Sql['listen']> | undefined

  async function query(options: FeedReadOptions): Promise<FeedPage> {
    const typed = options.types !== undefined && options.types.length > 0
    const [row] = await sql<PageRow[]>`
      with page as (
        -- A row written around the outbox is not trusted to be a well-formed envelope. One that is not a
        -- JSON object with members still reaches the consumer, under "malformed", so that it is
        -- dead-lettered rather than breaking the page. The position goes last: readers keep the last of
        -- duplicate members, and an envelope's own "position" must not move their cursor. (json keeps the
        -- text as written, surrounding whitespace included.)
        select position, case when json_typeof(envelope) = 'object' and envelope::text !~ '^\\s*\\{\\s*\\}\\s*$'
          then left(rtrim(envelope::text, E' \\t\\n\\r'), -1) || ',"position":' || position || '}'
          else json_build_object(
            'position', position, 'id', event_id, 'type', type, 'subject', subject, 'malformed', envelope)::text
        end as text
        from seams_outbox
        where position > ${options.after}::int8
          ${typed ? sql`and type = any(${options.types as string[]}::text[])` : sql``}
        order by position limit ${options.limit}
      )
      select (select string_agg(text, ',' order by position) from page) as events,
             (select count(*) from page)::int8 as count,
             (select max(position) from page) as last,
             head.position as head, head.stamped_at as "headTime",
             (select min(position) from seams_outbox) as oldest
      from (select 1) one left join lateral (
        select position, stamped_at from seams_outbox where position is not null order by position desc limit 1
      ) head on true`
    const page = row!
    const oldest = page.oldest ?? 0
    if (oldest > 0 && options.after < oldest - 1) {
      throw new FeedPurged(
        `events after position ${options.after} were removed by retention; the oldest kept is ${oldest}`,
        { details: { oldest } },
      )
    }
    const head = page.head ?? 0
    return {
      eventsJson: page.events ?? '',
      count: page.count,
      next: page.count === options.limit ? page.last! : Math.max(head, options.after),
      head: { position: head, time: page.headTime?.toISOString() ?? null },
      oldest,
    }
  }

  // Registered before the first look, so a stamp landing between the look and the wait is not missed.
  function stampSignal(
    ms: number,
    types: readonly string[] | undefined,
    signal?: AbortSignal,
  ): { arrived: Promise<void>; cancel(): void } {
    if (listening === undefined) {
      listening = sql.listen(STAMPED_CHANNEL, (payload) => {
        const stamped = parseStampedPayload(payload)
        wakeFor(stamped.head, stamped.types)
      })
      listening.catch(() => {
        listening = undefined // polling by timeout still works; the next wait listens again
      })
    }
    let done = () => {}
    const arrived = new Promise<void>((resolve) => {
      const timer = setTimeout(() => done(), ms)
      done = () => {
        clearTimeout(timer)
        waiters.delete(done)
        signal?.removeEventListener('abort', done)
        resolve()
      }
      waiters.set(done, types === undefined || types.length === 0 ? undefined : new Set(types))
      signal?.addEventListener('abort', done, { once: true })
    })
    return { arrived, cancel: () => done() }
  }

  return {
    // A reader of some types waits until one of them is stamped, or its wait is over: it is not answered an
    // empty page each time anything else is stamped (every consumer of a busy feed polled as often as it was
    // stamped). The page it gets at the end of its wait moves its cursor up to the head all the same.
    async read(options) {
      const waitMs = options.waitMs ?? 0
      if (waitMs <= 0) return query(options)
      const deadline = Date.now() + waitMs
      const typed = options.types !== undefined && options.types.length > 0
      const over = () => options.signal?.aborted === true || Date.now() >= deadline
      for (;;) {
        const stamp = stampSignal(deadline - Date.now(), options.types, options.signal)
        const page = await query(options).catch((error) => {
          stamp.cancel()
          throw error
        })
        const news = page.count > 0 || (!typed && page.next > options.after)
        if (news || over()) {
          stamp.cancel()
          return page
        }
        await stamp.arrived
        if (over()) return query(options)
      }
    },
    async close() {
      detachLocal()
      wakeAll()
      if (listening !== undefined) await listening.then((listener) => listener.unlisten()).catch(() => {})
    },
  }
}
