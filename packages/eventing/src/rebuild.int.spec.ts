import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { createEnvelope, newId, systemClock, type EventContract } from '@seams/core'
import { on } from '@seams/inbox'
import { defineProjection } from '@seams/projector'
import {
  createDatabase,
  createLogger,
  createMetricsRegistry,
  createServiceApp,
  runMigrations,
  type ServiceApp,
  type Sql,
} from '@seams/service-kit'
import {
  createTestDatabase,
  createTestIdentities,
  eventually,
  natsUrl,
  requireInfrastructure,
  type TestDatabase,
} from '@seams/testing'
import { streamNaming } from '@seams/transport-nats'
import Type from 'typebox'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEventing, type Eventing, type TransportKind } from './index.ts'

const BookShelved = {
  source: 'shelf',
  type: 'shelf.BookShelved',
  version: 1,
  schema: Type.Object({ title: Type.String() }),
} as const satisfies EventContract

const shelvedBooks = defineProjection({
  name: 'shelved_books',
  createTable: async (sql, table) => {
    await sql`create table ${sql(table)} (title text primary key)`
  },
  sources: [
    {
      source: 'shelf',
      handlers: (table) => [
        on(
          BookShelved,
          async (tx, event) => void (await tx`insert into ${tx(table)} (title) values (${event.data.title})`),
        ),
      ],
    },
  ],
})

describe.each<TransportKind>(['http-feed', 'jetstream'])('a rebuild over %s', async (kind) => {
  const present = kind === 'http-feed' || (await requireInfrastructure('NATS', natsUrl()))
  const namespace = `rebuild${randomBytes(3).toString('hex')}`
  let producerDb: TestDatabase
  let consumerDb: TestDatabase
  let producerSql: Sql
  let consumerSql: Sql
  let producer: Eventing
  let consumer: Eventing
  let feedServer: ServiceApp

  beforeAll(async () => {
    if (!present) return
    producerDb = await createTestDatabase('shelf')
    consumerDb = await createTestDatabase('shelf_reader')
    producerSql = createDatabase(producerDb.url, { applicationName: 'shelf' })
    consumerSql = createDatabase(consumerDb.url, { applicationName: 'shelf-reader' })
    const transport = { transport: kind, natsUrl: natsUrl(), natsNamespace: namespace }
    // The feed as a service serves it: to its declared reader only, proven by that reader's own key.
    const identities = await createTestIdentities(['shelf', 'shelf-reader'])
    producer = createEventing({
      sql: producerSql,
      service: 'shelf',
      publishes: [BookShelved],
      ...transport,
      relay: { pollIntervalMs: 50 },
      feedReaders: ['shelf-reader'],
    })
    await runMigrations(producerSql, { sources: [...producer.migrations] })
    feedServer = await createServiceApp({
      service: 'shelf',
      logger: createLogger({ service: 'shelf', level: 'silent' }),
      metrics: createMetricsRegistry('shelf'),
      auth: identities.authOf('shelf'),
    })
    producer.registerRoutes(feedServer)
    await feedServer.listen({ port: 0, host: '127.0.0.1' })
    const feeds = { shelf: `http://127.0.0.1:${(feedServer.server.address() as AddressInfo).port}` }
    consumer = createEventing({
      sql: consumerSql,
      service: 'shelf-reader',
      publishes: [],
      ...transport,
      feeds,
      tokens: identities.authOf('shelf-reader'),
    })
    consumer.project(shelvedBooks)
    await runMigrations(consumerSql, { sources: [...consumer.migrations] })
    await consumer.prepare()
    producer.start()
    consumer.start()
    const shelve = (title: string) =>
      producer.outbox.transaction((tx) =>
        producer.outbox.enqueue(
          tx,
          createEnvelope({ newId, now: systemClock }, BookShelved, {
            subject: title,
            aggregateVersion: 1,
            data: { title },
          }),
        ),
      )
    for (const title of ['Emma', 'Middlemarch', 'Persuasion']) await shelve(title)
    await eventually('the live read model holding every title', async () => (await titles()).length === 3)
  })

  afterAll(async () => {
    if (!present) return
    await consumer?.stop()
    await producer?.stop()
    await feedServer?.close()
    if (kind === 'jetstream') {
      const nc = await connect({ servers: natsUrl() })
      await jetstreamManager(nc)
        .then((jsm) => jsm.streams.delete(streamNaming(namespace).stream('shelf')))
        .catch(() => {})
      await nc.close()
    }
    await producerSql?.end()
    await consumerSql?.end()
    await producerDb?.drop()
    await consumerDb?.drop()
  })

  const titles = () =>
    consumerSql<{ title: string }[]>`select title from shelved_books order by title`.then((rows) =>
      rows.map((row) => row.title),
    )

  it.skipIf(!present)('replays a whole source and swaps the result in', async () => {
    expect(await titles()).toEqual(['Emma', 'Middlemarch', 'Persuasion'])
    await expect(consumer.rebuild('shelved_books')).resolves.toMatchObject({ phase: 'done' })
    expect(await titles()).toEqual(['Emma', 'Middlemarch', 'Persuasion'])
  })

  it.skipIf(!present)('refuses, leaving the read model as it was, once the source lost its first events', async () => {
    // Retention or a purge took the first two; the newest is always kept.
    if (kind === 'http-feed') {
      await producerSql`delete from seams_outbox where position < (select max(position) from seams_outbox)`
    } else {
      const nc = await connect({ servers: natsUrl() })
      await (await jetstreamManager(nc)).streams.purge(streamNaming(namespace).stream('shelf'), { keep: 1 })
      await nc.close()
    }
    const rebuild = consumer.rebuild('shelved_books')
    await expect(rebuild).rejects.toMatchObject({
      code: 'SEAMS_PROJECTOR_SOURCE_TRUNCATED',
      message: expect.stringContaining('shelf no longer holds its first events'),
    })
    expect(await titles()).toEqual(['Emma', 'Middlemarch', 'Persuasion'])
    expect(await consumerSql`select to_regclass('shelved_books__rebuild') as shadow`).toEqual([{ shadow: null }])
    // The live consumer, which had them all, goes on.
    expect(consumer.status().consumers['shelf-reader.shelved_books.shelf']).not.toHaveProperty('refused')
  })
})
