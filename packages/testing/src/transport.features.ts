import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  createEnvelope,
  newId,
  systemClock,
  type DeliveredEvent,
  type EventContract,
  type Subscription,
  type Transport,
} from '@seams/core'
import { createConsumer, inboxMigrations, listDeadLetters, on, type Consumer } from '@seams/inbox'
import { syntheticEventId } from '@seams/inbox/internal'
import { createOutbox, createRelay, outboxMigrations, type Outbox, type Relay } from '@seams/outbox/internal'
import { createDatabase, runMigrations, type Sql } from '@seams/service-kit'
import Type from 'typebox'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from './eventually.ts'
import { createTestDatabase, type TestDatabase } from './test-database.ts'

/** One transport under test, wired to a producer's outbox. */
export interface TransportUnderTest {
  /** Used by the producer's relay. */
  relayTransport: Pick<Transport, 'publish'>
  /** A transport as a consumer process would create it. */
  consumerTransport(): Transport
  /** Stops and starts the transport's server side (feed server, NATS server) with its data kept. */
  restart(): Promise<void>
  close(): Promise<void>
}

export interface TransportFixture {
  name: string
  /** Whether the infrastructure is there; false skips on a laptop (requireInfrastructure throws in CI). */
  available(): Promise<boolean>
  setUp(producer: { outbox: Outbox; source: string }): Promise<TransportUnderTest>
}

const deps = { newId, now: systemClock }

/**
 * The behaviour every transport must have, run against each: per-aggregate order, exactly-once
 * effects through redelivery and duplicates, replay from the start, bounded batches for a slow consumer,
 * and recovery from a transport restart.
 */
export function testTransportConformance(fixture: TransportFixture): void {
  describe(`transport conformance: ${fixture.name}`, async () => {
    const present = await fixture.available()
    const source = `conf${randomBytes(3).toString('hex')}`
    const ItemCounted = {
      source,
      type: `${source}.ItemCounted`,
      version: 1,
      schema: Type.Object({ item: Type.String(), count: Type.Integer() }),
    } as const satisfies EventContract
    let producerDb: TestDatabase
    let consumerDb: TestDatabase
    let producerSql: Sql
    let consumerSql: Sql
    let outbox: Outbox
    let relay: Relay
    let transport: TransportUnderTest
    const cleanups: (() => Promise<void>)[] = []

    beforeAll(async () => {
      if (!present) return
      producerDb = await createTestDatabase(`${source}_producer`)
      consumerDb = await createTestDatabase(`${source}_consumer`)
      producerSql = createDatabase(producerDb.url, { applicationName: 'conformance-producer', max: 20 })
      consumerSql = createDatabase(consumerDb.url, { applicationName: 'conformance-consumer', max: 10 })
      await runMigrations(producerSql, { sources: [outboxMigrations] })
      await runMigrations(consumerSql, { sources: [inboxMigrations] })
      await producerSql`create table items (id text primary key, count int not null)`
      await consumerSql`
        create table applied (
          consumer text, event_id uuid, item text, count int, position bigint,
          at timestamptz default clock_timestamp())`
      outbox = createOutbox({ sql: producerSql, source, contracts: [ItemCounted] })
      transport = await fixture.setUp({ outbox, source })
      relay = createRelay({ outbox, transport: transport.relayTransport, batchSize: 200, pollIntervalMs: 100 })
      relay.start()
    })

    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
    })

    afterAll(async () => {
      if (!present) return
      await relay?.stop()
      await transport?.close()
      await producerSql?.end()
      await consumerSql?.end()
      await producerDb?.drop()
      await consumerDb?.drop()
    })

    async function count(items: readonly string[], writers = 8): Promise<void> {
      let next = 0
      await Promise.all(
        Array.from({ length: writers }, async () => {
          while (next < items.length) {
            const item = items[next++]!
            await outbox.transaction(async (tx) => {
              const [row] = await tx<{ count: number }[]>`
                insert into items (id, count) values (${item}, 1)
                on conflict (id) do update set count = items.count + 1 returning count`
              await outbox.enqueue(
                tx,
                createEnvelope(deps, ItemCounted, {
                  subject: item,
                  aggregateVersion: row!.count,
                  data: { item, count: row!.count },
                }),
              )
            })
          }
        }),
      )
    }

    function startConsumer(name: string, options: { delayMs?: number; transport?: Transport } = {}): Consumer {
      const consumer = createConsumer({
        sql: consumerSql,
        name,
        source,
        transport: options.transport ?? transport.consumerTransport(),
        maxBatch: 50,
        handlers: [
          on(ItemCounted, async (tx, event) => {
            if (options.delayMs !== undefined) await sleep(options.delayMs)
            await tx`
              insert into applied (consumer, event_id, item, count, position)
              values (${name}, ${event.id}, ${event.data.item}, ${event.data.count}, ${event.position})`
          }),
        ],
      })
      consumer.start()
      cleanups.push(() => consumer.stop())
      return consumer
    }

    // A new consumer starts at the beginning of the feed, so it also sees earlier tests' events: count only `items`.
    async function appliedBy(
      name: string,
      items: readonly string[],
      expected = items.length,
      timeoutMs = 30_000,
    ): Promise<{ eventId: string; item: string; count: number }[]> {
      const wanted = [...new Set(items)]
      const read = async () => [
        ...(await consumerSql<{ eventId: string; item: string; count: number }[]>`
          select event_id as "eventId", item, count from applied
          where consumer = ${name} and item = any(${wanted}) order by at, position`),
      ]
      return eventually(`${name} applying ${expected} events`, read, {
        until: (rows) => rows.length >= expected,
        timeoutMs,
      })
    }

    function expectOrderedOnce(
      rows: readonly { eventId: string; item: string; count: number }[],
      items: readonly string[],
    ): void {
      expect(new Set(rows.map((row) => row.eventId)).size).toBe(rows.length)
      for (const item of new Set(items)) {
        const counts = rows.filter((row) => row.item === item).map((row) => row.count)
        expect(counts).toEqual(counts.map((_, index) => index + 1))
      }
    }

    const outboxSize = async () =>
      (await producerSql<{ size: number }[]>`select count(*)::int8 as size from seams_outbox`)[0]!.size
    const unique = (prefix: string) => `${prefix}-${randomBytes(3).toString('hex')}`
    const itemsFor = (prefix: string, aggregates: number, perAggregate: number) =>
      Array.from({ length: aggregates * perAggregate }, (_, index) => `${prefix}-${index % aggregates}`)

    it.skipIf(!present)('delivers every event once, in order per aggregate, with concurrent producers', async () => {
      const items = itemsFor(unique('order'), 20, 15)
      const name = unique('ordered')
      startConsumer(name)
      await count(items)
      expectOrderedOnce(await appliedBy(name, items), items)
      expect(await appliedBy(name, items)).toHaveLength(items.length)
    })

    it.skipIf(!present)(
      'delivers again what a consumer had not acknowledged when it crashed, applying it once',
      async () => {
        const items = itemsFor(unique('crash'), 5, 20)
        const name = unique('crashy')
        const consumerTransport = transport.consumerTransport()
        // Starts after everything earlier tests produced (stream sequences match feed positions here).
        const resumeAfter = await outboxSize()
        let crashed = false
        // A bare subscription that takes its first batch and dies before acknowledging it.
        await count(items)
        const firstBatch = await new Promise<DeliveredEvent[]>((resolve) => {
          const subscription: Subscription = consumerTransport.subscribe(
            { source, consumer: name, maxBatch: 10, resumeAfter: async () => resumeAfter },
            async (events) => {
              if (!crashed) {
                crashed = true
                resolve(events)
                void subscription.stop()
              }
              throw new Error('crashed before acknowledging')
            },
          )
        })
        await consumerTransport.close()
        expect(firstBatch.length).toBeGreaterThan(0)
        expect(firstBatch.every((event) => items.includes((event.data as { item: string }).item))).toBe(true)
        const consumer = startConsumer(name)
        const rows = await appliedBy(name, items)
        expect(rows.map((row) => row.eventId)).toEqual(expect.arrayContaining(firstBatch.map((event) => event.id)))
        expectOrderedOnce(rows, items)
        expect(rows).toHaveLength(items.length)
        await consumer.stop()
      },
    )

    it.skipIf(!present)('applies a redelivered duplicate once, even when the consumer is rewound', async () => {
      const items = itemsFor(unique('dup'), 4, 10)
      const name = unique('rewound')
      const first = startConsumer(name)
      await count(items)
      expect(await appliedBy(name, items)).toHaveLength(items.length)
      await first.stop()
      await consumerSql`update seams_consumer_cursors set position = 0 where consumer = ${name}`
      startConsumer(name)
      await count([items[0]!])
      const rows = await appliedBy(name, items, items.length + 1)
      expect(rows).toHaveLength(items.length + 1)
      expectOrderedOnce(rows, items)
    })

    it.skipIf(!present)('replays from the beginning for a new consumer', async () => {
      const items = itemsFor(unique('replay'), 3, 5)
      await count(items)
      const total = await outboxSize()
      const name = unique('late')
      startConsumer(name)
      const applied = await eventually(
        `${name} replaying all ${total} events`,
        async () =>
          (await consumerSql<{ n: number }[]>`select count(*)::int8 as n from applied where consumer = ${name}`)[0]!.n,
        { until: (n) => n >= total, timeoutMs: 30_000 },
      )
      expect(applied).toBe(total)
      expectOrderedOnce(await appliedBy(name, items), items)
    })

    it.skipIf(!present)('hands a slow consumer bounded batches, one at a time', async () => {
      const items = itemsFor(unique('slow'), 10, 30)
      const name = unique('slow')
      const batchSizes: number[] = []
      let inFlight = 0
      let maxInFlight = 0
      const consumerTransport = transport.consumerTransport()
      let cursor = 0
      let seen = 0
      await count(items)
      const head = await outboxSize()
      const subscription = consumerTransport.subscribe(
        { source, consumer: name, maxBatch: 25, resumeAfter: async () => cursor },
        async (events) => {
          inFlight += 1
          maxInFlight = Math.max(maxInFlight, inFlight)
          batchSizes.push(events.length)
          await sleep(5)
          cursor = events.at(-1)!.position
          seen += events.length
          inFlight -= 1
        },
      )
      await eventually(`the slow consumer reaching ${head}`, () => seen >= head, { timeoutMs: 30_000 })
      await subscription.stop()
      await consumerTransport.close()
      expect(seen).toBe(head)
      expect(Math.max(...batchSizes)).toBeLessThanOrEqual(25)
      expect(maxInFlight).toBe(1)
    })

    it.skipIf(!present)('recovers when the transport restarts mid-stream', async () => {
      const items = itemsFor(unique('restart'), 5, 40)
      const name = unique('survivor')
      startConsumer(name)
      await count(items.slice(0, 100))
      await transport.restart()
      await count(items.slice(100))
      const rows = await appliedBy(name, items, items.length, 60_000)
      expect(rows).toHaveLength(items.length)
      expectOrderedOnce(rows, items)
    })

    // Last: the rows it writes around the outbox would be replayed to every later test's new consumer.
    it.skipIf(!present)(
      'dead-letters each malformed message once, under an id derived from its place, and goes on',
      async () => {
        const items = [unique('before'), unique('after')]
        const name = unique('wary')
        const consumerTransport = transport.consumerTransport()
        await count([items[0]!])
        // Written around the outbox, as a buggy or foreign producer would: no id nor version, and not an object.
        const raw = [newId(), newId()]
        const envelopes = [
          { type: ItemCounted.type, subject: 'raw', data: { item: 'raw', count: 1 } },
          'not an envelope',
        ]
        for (const [index, envelope] of envelopes.entries()) {
          await producerSql`
            insert into seams_outbox (event_id, type, subject, envelope)
            values (${raw[index]!}, ${ItemCounted.type}, 'raw', ${JSON.stringify(envelope)}::text::json)`
        }
        await count([items[1]!])
        const consumer = startConsumer(name, { transport: consumerTransport })
        expect(await appliedBy(name, items)).toHaveLength(2)
        const positions = (
          await producerSql<
            { position: number }[]
          >`select position from seams_outbox where event_id = any(${raw}) order by position`
        ).map((row) => row.position)
        const letters = async () =>
          (await listDeadLetters(consumerSql, { consumer: name })).sort((a, b) => a.position - b.position)
        // Stream sequences match feed positions here, so both transports file them under the same places.
        const expected = positions.map((position) => ({
          position,
          eventId: syntheticEventId({ transport: consumerTransport.kind, source, position }),
          attempts: 1,
        }))
        expect(await letters()).toMatchObject(expected)
        expect((await letters()).map((letter) => letter.error)).toEqual([
          expect.stringContaining('id must be a UUID'),
          expect.stringContaining('not a JSON object'),
        ])
        // Delivered again (the consumer rewound before them): the same two letters, not two more.
        await consumer.stop()
        await consumerSql`update seams_consumer_cursors set position = ${positions[0]! - 1} where consumer = ${name}`
        startConsumer(name)
        await eventually(
          'both dead letters seen twice',
          async () => (await letters()).every((letter) => letter.attempts >= 2),
          { timeoutMs: 30_000 },
        )
        expect(await letters()).toMatchObject(expected.map((letter) => ({ ...letter, attempts: 2 })))
        expect(await appliedBy(name, items)).toHaveLength(2)
      },
    )
  })
}
