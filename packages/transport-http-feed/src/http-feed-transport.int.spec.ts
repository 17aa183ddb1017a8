import type { AddressInfo } from 'node:net'
import { createFeedReader, createOutbox, outboxMigrations } from '@seams/outbox/internal'
import { createDatabase, runMigrations, type Sql } from '@seams/service-kit'
import { createTestDatabase, eventually, testTransportConformance, type TestDatabase } from '@seams/testing'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { createHttpFeedTransport, registerFeedRoute } from './index.ts'

testTransportConformance({
  name: 'http-feed',
  available: async () => true,
  async setUp({ outbox, source }) {
    const reader = createFeedReader(outbox)
    const serve = async (port: number) => {
      const app = Fastify()
      registerFeedRoute(app, { reader, authorize: () => {} })
      await app.listen({ port, host: '127.0.0.1' })
      return app
    }
    let app: FastifyInstance = await serve(0)
    const port = (app.server.address() as AddressInfo).port
    return {
      relayTransport: {},
      consumerTransport: () =>
        createHttpFeedTransport({ sources: { [source]: `http://127.0.0.1:${port}` }, waitMs: 2000, maxBackoffMs: 500 }),
      async restart() {
        await app.close()
        app = await serve(port)
      },
      async close() {
        await app.close()
        await reader.close()
      },
    }
  },
})

describe('an http-feed subscription whose producer comes back', () => {
  let database: TestDatabase
  let sql: Sql

  beforeAll(async () => {
    database = await createTestDatabase('feed_back')
    sql = createDatabase(database.url, { applicationName: 'feed-back-test' })
    await runMigrations(sql, { sources: [outboxMigrations] })
  })

  afterAll(async () => {
    await sql?.end()
    await database?.drop()
  })

  it('reports no failed reads as soon as the producer answers, not at the end of a long poll', async () => {
    const reader = createFeedReader(createOutbox({ sql, source: 'back', contracts: [] }))
    const serve = async (port: number) => {
      const app = Fastify()
      registerFeedRoute(app, { reader, authorize: () => {} })
      await app.listen({ port, host: '127.0.0.1' })
      return app
    }
    let app = await serve(0)
    const port = (app.server.address() as AddressInfo).port
    // A long poll far longer than the test: nothing is ever written to this feed.
    const transport = createHttpFeedTransport({
      sources: { back: `http://127.0.0.1:${port}` },
      waitMs: 60_000,
      maxBackoffMs: 200,
    })
    const subscription = transport.subscribe(
      { source: 'back', consumer: 'back-test', resumeAfter: async () => 0 },
      async () => {},
    )
    try {
      await app.close()
      await eventually('failed reads while the producer is away', async () => subscription.lag().failures, {
        until: (failures) => failures > 0,
      })
      app = await serve(port)
      await eventually('no failed reads once it answers', async () => subscription.lag().failures, {
        until: (failures) => failures === 0,
        timeoutMs: 10_000,
      })
    } finally {
      await transport.close()
      await app.close()
      await reader.close()
    }
  })
})
