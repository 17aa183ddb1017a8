import { setTimeout as sleep } from 'node:timers/promises'
import { createEnvelope, newId, systemClock, type EventContract } from '@seams/core'
import { createDatabase, runMigrations, type Sql } from '@seams/service-kit'
import { createTestDatabase, type TestDatabase } from '@seams/testing'
import Type from 'typebox'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFeedReader, createOutbox, createRelay, outboxMigrations, type Outbox } from './internal.ts'

const CounterIncremented = {
  source: 'counters',
  type: 'counters.CounterIncremented',
  version: 1,
  schema: Type.Object({ counter: Type.String(), value: Type.Integer() }),
} as const satisfies EventContract

const deps = { newId, now: systemClock }

describe('outbox', () => {
  let database: TestDatabase
  let sql: Sql
  let outbox: Outbox

  beforeAll(async () => {
    database = await createTestDatabase('outbox')
    sql = createDatabase(database.url, { applicationName: 'outbox-test', max: 40 })
    await runMigrations(sql, { sources: [outboxMigrations] })
    await sql`create table counters (id text primary key, value int not null)`
    outbox = createOutbox({ sql, source: 'counters', contracts: [CounterIncremented] })
  })

  afterAll(async () => {
    await sql?.end()
    await database?.drop()
  })

  const unstamped = async () =>
    Number((await sql`select count(*) as n from seams_outbox where position is null`)[0]!['n'])

  async function increment(counter: string, hold = 0): Promise<void> {
    await outbox.transaction(async (tx) => {
      const [row] = await tx<{ value: number }[]>`
        insert into counters (id, value) values (${counter}, 1)
        on conflict (id) do update set value = counters.value + 1 returning value`
      if (hold > 0) await sleep(hold)
      await outbox.enqueue(
        tx,
        createEnvelope(deps, CounterIncremented, {
          subject: counter,
          aggregateVersion: row!.value,
          data: { counter, value: row!.value },
        }),
      )
    })
  }

  it('writes nothing when the transaction rolls back', async () => {
    await expect(
      outbox.transaction(async (tx) => {
        await outbox.enqueue(
          tx,
          createEnvelope(deps, CounterIncremented, {
            subject: 'rolled-back',
            aggregateVersion: 1,
            data: { counter: 'rolled-back', value: 1 },
          }),
        )
        throw new Error('abort')
      }),
    ).rejects.toThrow('abort')
    const [row] = await sql<
      { count: number }[]
    >`select count(*)::int8 as count from seams_outbox where subject = 'rolled-back'`
    expect(row!.count).toBe(0)
  })

  it('commits a change and its events in one statement, or neither', async () => {
    const event = createEnvelope(deps, CounterIncremented, {
      subject: 'one-statement',
      aggregateVersion: 1,
      data: { counter: 'one-statement', value: 1 },
    })
    await outbox.commitWith(sql`insert into counters (id, value) values ('one-statement', 1)`, event)
    const rows = await sql`select subject from seams_outbox where subject = 'one-statement'`
    expect(rows).toHaveLength(1)
    const again = createEnvelope(deps, CounterIncremented, {
      subject: 'one-statement',
      aggregateVersion: 2,
      data: { counter: 'one-statement', value: 2 },
    })
    // The same primary key again: the change fails, and the event with it.
    await expect(
      outbox.commitWith(sql`insert into counters (id, value) values ('one-statement', 2)`, again),
    ).rejects.toMatchObject({ code: '23505' })
    expect(await sql`select 1 from seams_outbox where event_id = ${again.id}`).toHaveLength(0)
  })

  it('writes a guarded change and its events in one statement only when the change happens', async () => {
    await sql`insert into counters (id, value) values ('guarded', 1)`
    const event = (value: number) =>
      createEnvelope(deps, CounterIncremented, {
        subject: 'guarded',
        aggregateVersion: value,
        data: { counter: 'guarded', value },
      })
    const bump = (from: number) =>
      sql<
        { value: number }[]
      >`update counters set value = ${from + 1} where id = 'guarded' and value = ${from} returning value`
    const first = event(2)
    expect(await outbox.commitWhen(bump(1), first)).toEqual([{ value: 2 }])
    // Decided on a value that is no longer there: neither the change nor its event is written.
    const stale = event(2)
    expect(await outbox.commitWhen(bump(1), stale)).toEqual([])
    const written = await sql<{ id: string }[]>`select event_id as id from seams_outbox where subject = 'guarded'`
    expect(written.map((row) => row.id)).toEqual([first.id])
    expect((await sql<{ value: number }[]>`select value from counters where id = 'guarded'`)[0]!.value).toBe(2)
  })

  it('makes a transaction holding outbox rows commit synchronously, whatever it chose before', async () => {
    // A consumer's transaction turns synchronous commit off; the relay may publish the row before a later flush.
    const settingAtCommit = (chosen: string, events: number) =>
      sql.begin(async (tx) => {
        await tx`select set_config('synchronous_commit', ${chosen}, true)`
        const subject = `durable-${chosen}-${events}`
        const envelopes = Array.from({ length: events }, (_, n) =>
          createEnvelope(deps, CounterIncremented, {
            subject,
            aggregateVersion: n + 1,
            data: { counter: subject, value: n + 1 },
          }),
        )
        if (events > 0) await outbox.enqueue(tx, envelopes)
        const [row] = await tx<{ synchronous_commit: string }[]>`show synchronous_commit`
        return row!.synchronous_commit
      })
    expect(await settingAtCommit('off', 1)).toBe('on')
    expect(await settingAtCommit('off', 3)).toBe('on')
    expect(await settingAtCommit('off', 0)).toBe('off') // nothing enqueued, nothing published: its own choice stands
    expect(await settingAtCommit('local', 1)).toBe('local') // already waits for the local flush
    expect(await settingAtCommit('remote_apply', 1)).toBe('remote_apply') // never lowered
  })

  it('refuses events whose data breaks the contract, before writing', async () => {
    const bad = createEnvelope(deps, CounterIncremented, {
      subject: 'x',
      aggregateVersion: 1,
      data: { counter: 'x', value: 1.5 },
    })
    await expect(outbox.transaction((tx) => outbox.enqueue(tx, bad))).rejects.toMatchObject({
      code: 'SEAMS_OUTBOX_EVENT_INVALID',
    })
  })

  it("delivers 32 concurrent writers' events exactly once and in per-aggregate order, late commits too", async () => {
    const relay = createRelay({ outbox, transport: {}, batchSize: 100, pollIntervalMs: 50 })
    const reader = createFeedReader(outbox)
    const counters = Array.from({ length: 64 }, (_, index) => `c${index}`)
    const writers = 32
    const rounds = 25
    const seen = new Set<string>()
    const received: { counter: string; value: number }[] = []
    let writersDone = false
    relay.start()
    const writes = Array.from({ length: writers }, async (_, writer) => {
      for (let round = 0; round < rounds; round += 1) {
        // A quarter of the writers keep one transaction open for 2 s while the others commit past it.
        const hold = writer % 4 === 0 && round === 5 ? 2000 : 0
        await increment(counters[(writer * 7 + round) % counters.length]!, hold)
      }
    })
    try {
      void Promise.all(writes).then(() => (writersDone = true))
      let after = 0
      for (;;) {
        const finished = writersDone
        const page = await reader.read({ after, limit: 50, waitMs: 200 })
        const events = JSON.parse(`[${page.eventsJson}]`) as {
          id: string
          position: number
          data: { counter: string; value: number }
        }[]
        for (const event of events) {
          expect(event.position).toBe(after + 1) // dense positions: nothing skipped
          after = event.position
          expect(seen.has(event.id)).toBe(false)
          seen.add(event.id)
          if (counters.includes(event.data.counter)) received.push(event.data) // earlier tests' events come first
        }
        after = Math.max(after, page.next)
        // Done once the writers are, the relay has stamped everything they committed, and the feed is read to
        // its head.
        if (finished && page.count === 0 && page.head.position <= after && (await unstamped()) === 0) break
      }
      await Promise.all(writes)
    } finally {
      await Promise.allSettled(writes)
      await relay.stop()
      await reader.close()
    }
    expect(received).toHaveLength(writers * rounds)
    for (const counter of counters) {
      const values = received.filter((event) => event.counter === counter).map((event) => event.value)
      expect(values).toEqual(values.map((_, index) => index + 1))
    }
  })
})
