import { setTimeout as sleep } from 'node:timers/promises'
import { createEnvelope, newId, systemClock, type EventContract } from '@seams/core'
import { createDatabase, createMetricsRegistry, runMigrations, type Sql } from '@seams/service-kit'
import { createTestDatabase, eventually, type TestDatabase } from '@seams/testing'
import Type from 'typebox'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFeedReader, createOutbox, createRelay, outboxMigrations, type Outbox } from './internal.ts'

const Pinged = {
  source: 'pings',
  type: 'pings.Pinged',
  version: 1,
  schema: Type.Object({ n: Type.Integer() }),
} as const satisfies EventContract
const deps = { newId, now: systemClock }

describe('relay', () => {
  let database: TestDatabase
  let admin: Sql

  beforeAll(async () => {
    database = await createTestDatabase('relay')
    admin = createDatabase(database.url, { applicationName: 'relay-test-admin' })
    await runMigrations(admin, { sources: [outboxMigrations] })
  })

  afterAll(async () => {
    await admin?.end()
    await database?.drop()
  })

  // Each replica has its own pool, as separate processes would.
  const replica = (name: string) => {
    const sql = createDatabase(database.url, { applicationName: name, max: 4 })
    const outbox = createOutbox({ sql, source: 'pings', contracts: [Pinged] })
    return { sql, outbox, relay: createRelay({ outbox, transport: {}, pollIntervalMs: 50, standbyRetryMs: 100 }) }
  }
  const ping = (outbox: Outbox, n: number) =>
    outbox.transaction((tx) =>
      outbox.enqueue(tx, createEnvelope(deps, Pinged, { subject: `p${n}`, aggregateVersion: 1, data: { n } })),
    )
  const stamped = async () =>
    (
      await admin<
        { position: number }[]
      >`select position from seams_outbox where position is not null order by position`
    ).map((row) => row.position)
  const unstamped = async () =>
    Number((await admin`select count(*) as n from seams_outbox where position is null`)[0]!['n'])

  it(
    "runs one active relay; a standby takes over when the leader's session is cut, " + 'stamping each event once',
    async () => {
      const leader = replica('relay-a')
      const standby = replica('relay-b')
      leader.relay.start()
      await sleep(200)
      standby.relay.start()
      await sleep(300)
      expect([leader.relay.isLeader(), standby.relay.isLeader()]).toEqual([true, false])
      for (let n = 0; n < 50; n += 1) await ping(standby.outbox, n)
      await sleep(300)
      // The leader's sessions are cut (a crash or a network partition looks the same from the database):
      // PostgreSQL releases the lock with the session, the standby takes it, the old leader becomes a standby.
      await admin`select pg_terminate_backend(pid) from pg_stat_activity where application_name like ${'relay-a:%'}`
      for (let n = 50; n < 100; n += 1) await ping(standby.outbox, n)
      await eventually('the standby stamping everything', async () => (await unstamped()) === 0, {
        timeoutMs: 10_000,
      })
      expect(standby.relay.isLeader()).toBe(true)
      expect(leader.relay.isLeader()).toBe(false)
      const positions = await stamped()
      expect(positions).toEqual(positions.map((_, index) => index + 1))
      expect(positions).toHaveLength(100)
      await leader.relay.stop()
      await standby.relay.stop()
      await leader.sql.end({ timeout: 1 })
      await standby.sql.end({ timeout: 1 })
    },
  )

  it('removes stamped events past their retention, and a reader left behind is told so', async () => {
    const { sql, outbox } = replica('relay-retention')
    const relay = createRelay({ outbox, transport: {}, pollIntervalMs: 50, retentionMs: 0 })
    relay.start()
    for (let n = 0; n < 10; n += 1) await ping(outbox, 1000 + n)
    await eventually('the relay stamping everything', async () => (await unstamped()) === 0)
    const before = (await stamped()).length
    const removed = await relay.cleanup()
    expect(removed).toBe(before - 1) // the newest stays, so the feed still knows its head
    const reader = createFeedReader(outbox)
    await expect(reader.read({ after: 0, limit: 10 })).rejects.toMatchObject({ code: 'SEAMS_OUTBOX_FEED_PURGED' })
    const head = (await stamped())[0]!
    expect((await reader.read({ after: head, limit: 10 })).count).toBe(0)
    await reader.close()
    await relay.stop()
    await sql.end()
  })

  it("shares one registry between relays: each source's backlog, leadership and stamped count apart", async () => {
    // Two producers in one process (a test, a benchmark), each with its own database.
    const other = await createTestDatabase('relay_metrics')
    const metrics = createMetricsRegistry('relays')
    const sql = createDatabase(database.url, { applicationName: 'relay-metrics', max: 4 })
    const otherSql = createDatabase(other.url, { applicationName: 'relay-metrics', max: 4 })
    await runMigrations(otherSql, { sources: [outboxMigrations] })
    const pings = createOutbox({ sql, source: 'pings', contracts: [Pinged] })
    const pongs = createOutbox({ sql: otherSql, source: 'pongs', contracts: [] })
    const relays = [pings, pongs].map((outbox) => createRelay({ outbox, transport: {}, pollIntervalMs: 50, metrics }))
    for (const relay of relays) relay.start()
    await ping(pings, 3000)
    while ((await unstamped()) > 0) await sleep(50)
    const text = await metrics.metrics()
    expect(text).toMatch(/outbox_backlog_events\{source="pings",service="relays"\} 0/)
    expect(text).toMatch(/outbox_backlog_events\{source="pongs",service="relays"\} 0/)
    expect(text).toMatch(/outbox_relay_leader\{source="pings",service="relays"\} 1/)
    expect(text).toMatch(/outbox_relay_leader\{source="pongs",service="relays"\} 1/)
    expect(text).toMatch(/outbox_relay_events_total\{source="pings",service="relays"\} [1-9]/)
    for (const relay of relays) await relay.stop()
    await sql.end()
    await otherSql.end()
    await other.drop()
  })

  it('removes exactly the events stamped before the retention, across several rounds of clean-up', async () => {
    const { sql, outbox } = replica('relay-retention-mixed')
    const relay = createRelay({ outbox, transport: {}, pollIntervalMs: 50, retentionMs: 3_600_000 })
    relay.start()
    for (let n = 0; n < 20; n += 1) await ping(outbox, 2000 + n)
    await eventually('the relay stamping everything', async () => (await unstamped()) === 0)
    await relay.stop()
    // More expired events than one round removes, then the ones just stamped.
    const head = (await admin<{ head: number }[]>`select max(position)::int8 as head from seams_outbox`)[0]!.head
    await admin`
      insert into seams_outbox (event_id, type, subject, envelope, stamped_at, position)
      select gen_random_uuid(), 'pings.Pinged', 'old', '{}', now() - interval '2 hours' + g * interval '1 ms', g - 12000
      from generate_series(1, 12000) g`
    expect((await stamped())[0]).toBeLessThan(0)
    const kept = (await stamped()).filter((position) => position > 0)
    expect(await relay.cleanup()).toBe(12000)
    expect(await stamped()).toEqual(kept)
    expect(kept.at(-1)).toBe(head)
    expect(await relay.cleanup()).toBe(0)
    await sql.end()
  })
})
