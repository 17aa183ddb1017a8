import { setTimeout as sleep } from 'node:timers/promises'
import { createEnvelope, newId, systemClock, type EventContract } from '@seams/core'
import { createDatabase, runMigrations, type Sql } from '@seams/service-kit'
import { createTestDatabase, eventually, type TestDatabase } from '@seams/testing'
import Type from 'typebox'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createFeedReader,
  createOutbox,
  createRelay,
  outboxMigrations,
  type FeedReader,
  type Relay,
} from './internal.ts'

// Rows written around the outbox (a buggy migration, a hand-made fix): the feed is their first reader.
describe('the feed reader, given rows the outbox did not write', () => {
  let database: TestDatabase
  let sql: Sql
  let reader: FeedReader

  beforeAll(async () => {
    database = await createTestDatabase('feed_reader')
    sql = createDatabase(database.url, { applicationName: 'feed-reader-test' })
    await runMigrations(sql, { sources: [outboxMigrations] })
    reader = createFeedReader(createOutbox({ sql, source: 'raw', contracts: [] }))
    const rows = [
      '{"id":"0190d7a4-0000-7000-8000-000000000001","type":"raw.Written","position":999999}',
      '  \n {"id":"0190d7a4-0000-7000-8000-000000000002","type":"raw.Written"} \n\t',
      ' { } ',
      '"a string"',
    ]
    for (const [index, envelope] of rows.entries()) {
      await sql`
        insert into seams_outbox (event_id, type, subject, envelope, stamped_at, position)
        values (
          ${`0190d7a4-0000-7000-8000-00000000000${index + 1}`}, 'raw.Written', 'raw', ${envelope}::text::json, now(),
          ${index + 1}
        )`
    }
  })

  afterAll(async () => {
    await reader?.close()
    await sql?.end()
    await database?.drop()
  })

  it('serves a page that parses, each event at the position it was stamped with', async () => {
    const page = await reader.read({ after: 0, limit: 10 })
    const events = JSON.parse(`[${page.eventsJson}]`) as Record<string, unknown>[]
    // An envelope's own "position" must not move a reader's cursor (readers keep the last duplicate member).
    expect(events.map((event) => event['position'])).toEqual([1, 2, 3, 4])
    expect(events[0]).not.toHaveProperty('malformed')
    expect(events[1]).toEqual({ id: '0190d7a4-0000-7000-8000-000000000002', type: 'raw.Written', position: 2 })
    // What is not an object with members is handed on under "malformed", to be dead-lettered.
    expect(events[2]).toMatchObject({ malformed: {}, id: '0190d7a4-0000-7000-8000-000000000003' })
    expect(events[3]).toMatchObject({ malformed: 'a string', type: 'raw.Written', subject: 'raw' })
  })
})

describe('a feed reader waiting for some types', () => {
  let database: TestDatabase
  let sql: Sql
  let readerSql: Sql
  let relay: Relay
  let outbox: ReturnType<typeof createOutbox>
  const readers: FeedReader[] = []
  const contract = (type: string) =>
    ({ source: 'typed', type, version: 1, schema: Type.Object({}) }) as const satisfies EventContract
  const [placed, cancelled] = [contract('typed.Placed'), contract('typed.Cancelled')]

  beforeAll(async () => {
    database = await createTestDatabase('feed_typed')
    sql = createDatabase(database.url, { applicationName: 'feed-typed-test' })
    readerSql = createDatabase(database.url, { applicationName: 'feed-typed-reader' })
    await runMigrations(sql, { sources: [outboxMigrations] })
    outbox = createOutbox({ sql, source: 'typed', contracts: [placed, cancelled] })
    relay = createRelay({ outbox, transport: {}, pollIntervalMs: 50 })
    relay.start()
    // One in the relay's process (woken in process), one elsewhere (woken by NOTIFY only).
    readers.push(
      createFeedReader(outbox),
      createFeedReader(createOutbox({ sql: readerSql, source: 'typed', contracts: [] })),
    )
  })

  afterAll(async () => {
    for (const reader of readers) await reader.close()
    await relay?.stop()
    await sql?.end()
    await readerSql?.end()
    await database?.drop()
  })

  const write = (type: typeof placed | typeof cancelled) =>
    outbox.transaction((tx) =>
      outbox.enqueue(
        tx,
        createEnvelope({ newId, now: systemClock }, type, { subject: 's', aggregateVersion: 1, data: {} }),
      ),
    )
  const head = async () => (await readers[0]!.read({ after: 0, limit: 1 })).head.position

  it.each([0, 1])(
    'is not answered while other types are stamped, and is once its own is (reader %i)',
    async (which) => {
      const reader = readers[which]!
      await write(placed)
      await eventually('the first event stamped', head, { until: (position) => position > 0 })
      const after = await head()
      let answered = false
      const read = reader.read({ after, limit: 10, types: ['typed.Cancelled'], waitMs: 10_000 }).finally(() => {
        answered = true
      })
      await write(placed)
      await eventually('the other type stamped', head, { until: (position) => position > after })
      await sleep(200)
      expect(answered).toBe(false)
      await write(cancelled)
      const page = await read
      expect(page.count).toBe(1)
      expect((JSON.parse(`[${page.eventsJson}]`) as { type: string }[]).map((event) => event.type)).toEqual([
        'typed.Cancelled',
      ])
    },
  )

  it('moves the cursor up to the head at the end of its wait when none of its types came', async () => {
    const after = await head()
    const read = readers[1]!.read({ after, limit: 10, types: ['typed.Cancelled'], waitMs: 500 })
    await write(placed)
    const page = await read
    expect(page.count).toBe(0)
    expect(page.next).toBe(after + 1)
    expect(page.next).toBe(await head())
  })
})
