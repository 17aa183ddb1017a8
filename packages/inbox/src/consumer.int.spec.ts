import type { AddressInfo } from 'node:net'
import { createEnvelope, newId, systemClock, type EventContract } from '@seams/core'
import {
  createFeedReader,
  createOutbox,
  createRelay,
  outboxMigrations,
  type Outbox,
  type Relay,
} from '@seams/outbox/internal'
import { createDatabase, createMetricsRegistry, runMigrations, type Sql } from '@seams/service-kit'
import { createTestDatabase, eventually, type TestDatabase } from '@seams/testing'
import { createHttpFeedTransport, registerFeedRoute } from '@seams/transport-http-feed'
import Fastify, { type FastifyInstance } from 'fastify'
import Type from 'typebox'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createConsumer,
  inboxMigrations,
  listDeadLetters,
  on,
  requestDeadLetterRetry,
  syntheticEventId,
  type Consumer,
} from './internal.ts'

const NoteWritten = {
  source: 'notes',
  type: 'notes.NoteWritten',
  version: 1,
  schema: Type.Object({ note: Type.String(), words: Type.Integer() }),
} as const satisfies EventContract

// What a consumer that writes events publishes in turn.
const NoteFiled = {
  source: 'reader',
  type: 'reader.NoteFiled',
  version: 1,
  schema: Type.Object({ note: Type.String() }),
} as const satisfies EventContract

const deps = { newId, now: systemClock }

describe('inbox consumer', () => {
  let producerDb: TestDatabase
  let consumerDb: TestDatabase
  let producer: Sql
  let consumerSql: Sql
  let outbox: Outbox
  let relay: Relay
  let feedServer: FastifyInstance
  let transport: ReturnType<typeof createHttpFeedTransport>
  let consumer: Consumer
  const poisoned = new Set<string>()
  const metrics = createMetricsRegistry('inbox-test')

  beforeAll(async () => {
    producerDb = await createTestDatabase('notes')
    consumerDb = await createTestDatabase('reader')
    producer = createDatabase(producerDb.url, { applicationName: 'notes' })
    consumerSql = createDatabase(consumerDb.url, { applicationName: 'reader' })
    await runMigrations(producer, { sources: [outboxMigrations] })
    await runMigrations(consumerSql, { sources: [inboxMigrations] })
    await consumerSql`create table notes (note text primary key, words int not null)`
    outbox = createOutbox({ sql: producer, source: 'notes', contracts: [NoteWritten] })
    relay = createRelay({ outbox, transport: {}, pollIntervalMs: 50 })
    relay.start()
    feedServer = Fastify()
    registerFeedRoute(feedServer, { reader: createFeedReader(outbox), authorize: () => {} })
    await feedServer.listen({ port: 0, host: '127.0.0.1' })
    transport = createHttpFeedTransport({
      sources: { notes: `http://127.0.0.1:${(feedServer.server.address() as AddressInfo).port}` },
      waitMs: 1000,
    })
    consumer = createConsumer({
      sql: consumerSql,
      name: 'reader.notes',
      source: 'notes',
      transport,
      maxAttempts: 3,
      retryDelayMs: 10,
      housekeepingMs: 100,
      metrics,
      handlers: [
        on(NoteWritten, async (tx, event) => {
          if (poisoned.has(event.data.note)) throw new Error(`cannot file ${event.data.note}`)
          await tx`insert into notes (note, words) values (${event.data.note}, ${event.data.words})`
        }),
      ],
    })
    consumer.start()
  })

  afterAll(async () => {
    await consumer?.stop()
    await transport?.close() // its keep-alive connections would hold the feed server's close for a minute
    await relay?.stop()
    await feedServer?.close()
    await producer?.end()
    await consumerSql?.end()
    await producerDb?.drop()
    await consumerDb?.drop()
  })

  const write = (note: string, words = 3) =>
    outbox.transaction((tx) =>
      outbox.enqueue(
        tx,
        createEnvelope(deps, NoteWritten, { subject: note, aggregateVersion: 1, data: { note, words } }),
      ),
    )

  // Bypasses the outbox's own validation, as a buggy or foreign producer would.
  const writeRaw = (envelope: unknown) =>
    producer`
      insert into seams_outbox (event_id, type, subject, envelope)
      values (${newId()}, 'notes.NoteWritten', 'raw', ${producer.json(envelope as never)})`

  // Each test writes notes and raw events of its own and looks only at those, so that it stands alone.
  const until = <T>(read: () => Promise<T>, done: (value: T) => boolean) =>
    eventually('the consumer catching up', read, { until: done, timeoutMs: 10_000 })
  const notes = (prefix: string) =>
    consumerSql<{ note: string }[]>`select note from notes where note like ${prefix + '%'} order by note`.then((rows) =>
      rows.map((row) => row.note),
    )
  const deadLetters = (includeResolved = false) =>
    listDeadLetters(consumerSql, { consumer: 'reader.notes', includeResolved })
  const letterOf = async (subject: string, includeResolved = false) =>
    (await deadLetters(includeResolved)).find((letter) => letter.subject === subject)

  it('applies a batch in row-key order, events of one key in their feed order, when given a row key', async () => {
    const applied: string[] = []
    const keyed = createConsumer({
      sql: consumerSql,
      name: 'reader.keyed',
      source: 'notes',
      transport,
      rowKey: (event) => (event.data as { note: string }).note.slice(0, 'keyed-x'.length),
      handlers: [
        on(NoteWritten, async (_tx, event) => {
          if (event.data.note.startsWith('keyed-')) applied.push(event.data.note)
        }),
      ],
    })
    keyed.start()
    try {
      // One transaction: stamped together, read as one page, applied as one batch.
      await outbox.transaction(async (tx) => {
        for (const note of ['keyed-c1', 'keyed-a1', 'keyed-b1', 'keyed-a2', 'keyed-c2'])
          await outbox.enqueue(
            tx,
            createEnvelope(deps, NoteWritten, { subject: note, aggregateVersion: 1, data: { note, words: 1 } }),
          )
      })
      await until(
        async () => applied.length,
        (count) => count === 5,
      )
      expect(applied).toEqual(['keyed-a1', 'keyed-a2', 'keyed-b1', 'keyed-c1', 'keyed-c2'])
    } finally {
      await keyed.stop()
    }
  })

  it('dead-letters an event whose handler keeps failing after bounded attempts, while the others flow on', async () => {
    poisoned.add('bounded-b')
    await write('bounded-a')
    await write('bounded-b')
    await write('bounded-c')
    expect(
      await until(
        () => notes('bounded-'),
        (list) => list.includes('bounded-c'),
      ),
    ).toEqual(['bounded-a', 'bounded-c'])
    const letter = await until(
      () => letterOf('bounded-b'),
      (found) => found !== undefined,
    )
    expect(letter).toMatchObject({ type: 'notes.NoteWritten', subject: 'bounded-b', attempts: 3, resolvedAt: null })
    expect(letter!.error).toContain('cannot file bounded-b')
  })

  it('applies a dead letter once it is retried after the cause is fixed', async () => {
    poisoned.add('fixed-b')
    await write('fixed-a')
    await write('fixed-b')
    const letter = await until(
      () => letterOf('fixed-b'),
      (found) => found !== undefined,
    )
    expect(await notes('fixed-')).toEqual(['fixed-a'])
    poisoned.delete('fixed-b')
    expect(await requestDeadLetterRetry(consumerSql, { ids: [letter!.id] })).toBe(1)
    expect(
      await until(
        () => notes('fixed-'),
        (list) => list.includes('fixed-b'),
      ),
    ).toEqual(['fixed-a', 'fixed-b'])
    const resolved = await until(
      () => letterOf('fixed-b', true),
      (found) => found?.resolvedAt !== null,
    )
    expect(resolved!.resolvedAt).not.toBeNull()
  })

  it('dead-letters malformed and unknown-version events at once, without retrying or stopping', async () => {
    const earlier = new Set((await deadLetters()).map((letter) => letter.id))
    const base = createEnvelope(deps, NoteWritten, {
      subject: 'raw',
      aggregateVersion: 1,
      data: { note: 'x', words: 1 },
    })
    await writeRaw({ ...base, id: newId(), data: { note: 'bad-words', words: 'many' } })
    await writeRaw({ ...base, id: newId(), dataschema: 'urn:seams:notes.NoteWritten.v7', data: { anything: true } })
    await writeRaw('not an envelope at all')
    await write('d-after')
    expect(
      await until(
        () => notes('d-after'),
        (list) => list.includes('d-after'),
      ),
    ).toContain('d-after')
    // Dead letters are recorded in feed order, so all three are there once the event after them applied.
    const letters = (await deadLetters()).filter((letter) => !earlier.has(letter.id))
    expect(letters).toHaveLength(3)
    const errors = letters.map((letter) => letter.error).join('\n')
    expect(errors).toContain('notes.NoteWritten.v1 data is invalid')
    expect(errors).toContain('newer than the v1')
    expect(errors).toContain('MalformedEnvelope: not a JSON object envelope: "not an envelope at all"')
    expect(letters.every((letter) => letter.attempts === 1)).toBe(true)
    expect(await metrics.getSingleMetricAsString('consumer_events_total')).toContain('outcome="dead_lettered"')
  })

  it('dead-letters an envelope with a bad id, type, subject or version once (synthetic id) and goes on', async () => {
    const base = createEnvelope(deps, NoteWritten, {
      subject: 'raw',
      aggregateVersion: 1,
      data: { note: 'unkeyed', words: 1 },
    })
    // Its id cannot key the inbox (nor be stored in a dead letter's uuid column), so it is not trusted at all.
    await writeRaw({ ...base, id: 'not-a-uuid', aggregateversion: 'first' })
    await write('e-after')
    expect(
      await until(
        () => notes('e-after'),
        (list) => list.includes('e-after'),
      ),
    ).toContain('e-after')
    const [{ position }] = await producer<
      [{ position: number }]
    >`select position from seams_outbox where envelope->>'id' = 'not-a-uuid'`
    const letters = (await deadLetters()).filter((letter) => letter.error.includes('not-a-uuid'))
    expect(letters).toHaveLength(1)
    expect(letters[0]).toMatchObject({
      eventId: syntheticEventId({ transport: 'http-feed', source: 'notes', position }),
      position,
      attempts: 1,
      type: 'notes.NoteWritten',
      subject: 'raw',
    })
    expect(letters[0]!.error).toContain('aggregateversion must be a positive integer, got "first"')
  })

  it('commits synchronously a transaction whose handler enqueued an event, and the others asynchronously', async () => {
    await runMigrations(consumerSql, { sources: [outboxMigrations] })
    await consumerSql`create table commit_settings (note text primary key, setting text not null)`
    const readerOutbox = createOutbox({ sql: consumerSql, source: 'reader', contracts: [NoteFiled] })
    const filing = createConsumer({
      sql: consumerSql,
      name: 'reader.filing',
      source: 'notes',
      transport,
      handlers: [
        on(NoteWritten, async (tx, event) => {
          if (event.data.note.startsWith('file-'))
            await readerOutbox.enqueue(
              tx,
              createEnvelope(deps, NoteFiled, {
                subject: event.data.note,
                aggregateVersion: 1,
                data: { note: event.data.note },
              }),
            )
          // What the commit will use: nothing the consumer does after the handler changes it.
          const [setting] = await tx<{ synchronous_commit: string }[]>`show synchronous_commit`
          await tx`
            insert into commit_settings (note, setting) values (${event.data.note}, ${setting!.synchronous_commit})
            on conflict do nothing`
        }),
      ],
    })
    filing.start()
    // One after the other: events of one batch share a transaction, and one enqueue makes all of it synchronous.
    const settingOf = async (note: string) => {
      await write(note)
      const rows = await until(
        () => consumerSql<{ setting: string }[]>`select setting from commit_settings where note = ${note}`,
        (found) => found.length > 0,
      )
      return rows[0]?.setting
    }
    try {
      expect(await settingOf('just-read-me')).toBe('off')
      expect(await settingOf('file-me')).toBe('on')
    } finally {
      await filing.stop()
    }
  })
})
