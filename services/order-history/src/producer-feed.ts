import type { AddressInfo } from 'node:net'
import type { EventContract, EventEnvelope } from '@seams/core'
import { createEventing } from '@seams/eventing'
import {
  createDatabase,
  createLogger,
  createMetricsRegistry,
  createServiceApp,
  runMigrations,
} from '@seams/service-kit'
import { createTestDatabase } from '@seams/testing'
import { identities } from './order-history-test-app.ts'

/**
 * For integration specs: one producer's event feed and nothing else of that service. Its outbox, relay
 * and `GET /events` are the toolkit's real ones on a database of its own, so this service's consumers
 * and rebuilds read a real feed without the producer's business code running.
 */
export async function startProducerFeed(service: string, publishes: readonly EventContract[]) {
  const database = await createTestDatabase(service)
  const sql = createDatabase(database.url, { applicationName: `${service}-feed-test`, max: 5 })
  const eventing = createEventing({ sql, service, publishes, transport: 'http-feed', feedReaders: ['order-history'] })
  await runMigrations(sql, { sources: [...eventing.migrations] })
  const app = await createServiceApp({
    service,
    logger: createLogger({ service, level: 'silent' }),
    metrics: createMetricsRegistry(service),
    auth: identities.authOf(service),
  })
  eventing.registerRoutes(app)
  await app.listen({ port: 0, host: '127.0.0.1' })
  eventing.start()

  return {
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    /** Publishes as the producer does: into its outbox, in one transaction, for the relay to stamp. */
    publish: (...events: EventEnvelope[]) => eventing.outbox.transaction((tx) => eventing.outbox.enqueue(tx, events)),
    async close() {
      await app.close()
      await eventing.stop()
      await sql.end()
      await database.drop()
    },
  }
}

export type ProducerFeed = Awaited<ReturnType<typeof startProducerFeed>>
