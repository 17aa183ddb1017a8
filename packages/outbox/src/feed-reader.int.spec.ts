import { createDatabase, runMigrations, type Sql } from '@seams/service-kit'
import { createTestDatabase, type TestDatabase } from '@seams/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFeedReader, createOutbox, outboxMigrations, type FeedReader } from './index.ts'

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
