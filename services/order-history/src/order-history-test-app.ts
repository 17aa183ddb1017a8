import { createEnvelope, newId, type EventContract, type EventData, type EventEnvelope } from '@seams/core'
import { createEventing, type Eventing } from '@seams/eventing'
import type { EventHandler } from '@seams/inbox'
import type { Projection } from '@seams/projector'
import { createEventDecoder } from '@seams/schema-registry'
import {
  createDatabase,
  createLogger,
  createMetricsRegistry,
  runMigrations,
  type ServiceApp,
  type Sql,
  type TransactionSql,
} from '@seams/service-kit'
import { createTestDatabase, createTestIdentities } from '@seams/testing'
import { buildApp } from './app.ts'
import { orderHistory } from './order-history/order-history-projection.ts'
import { historyCustomers } from './replicas/history-customers.ts'
import { historyProducts } from './replicas/history-products.ts'

// Shared by this service's integration specs: a real database, the app wired as main.ts wires it, and
// events written with the producers' published contracts.

/** One set of identities for the app and the producers' feeds of a spec file, so each accepts the others. */
export const identities = await createTestIdentities()
const projections: readonly Projection[] = [historyCustomers, historyProducts, orderHistory]

export interface TestUser {
  id: string
  role: 'customer' | 'admin'
}
export const newCustomer = (): TestUser => ({ id: newId(), role: 'customer' })

/** An event as its producer would publish it, at `at` (producer time). */
export function event<C extends EventContract>(
  contract: C,
  subject: string,
  version: number,
  data: EventData<C>,
  at = new Date(),
): EventEnvelope {
  return createEnvelope({ newId, now: () => at }, contract, { subject, aggregateVersion: version, data })
}

/** The app on a fresh database; `feeds` are the producers' base URLs when a spec runs the consumers. */
export async function createOrderHistoryTestApp(options: { feeds?: Record<string, string> } = {}) {
  const database = await createTestDatabase('order_history')
  const sql: Sql = createDatabase(database.url, { applicationName: 'order-history-test', max: 10 })
  const eventing: Eventing = createEventing({
    sql,
    service: 'order-history',
    publishes: [],
    transport: 'http-feed',
    feeds: options.feeds ?? {},
    tokens: identities.authOf('order-history'),
  })
  for (const projection of projections) eventing.project(projection)
  await runMigrations(sql, { sources: [...eventing.migrations] })
  await eventing.prepare()
  const app: ServiceApp = await buildApp({
    sql,
    eventing,
    auth: identities.authOf('order-history'),
    logger: createLogger({ service: 'order-history', level: 'silent' }),
    metrics: createMetricsRegistry('order-history'),
    operators: ['operator'],
  })

  // The live tables' handlers by event type, behind the decoder the consumers use, so that every event
  // a spec applies is checked against the producer's published schema first.
  const liveHandlers: EventHandler[] = projections.flatMap((projection) =>
    projection.sources.flatMap((source) => source.handlers(projection.name)),
  )
  const handlers = new Map(liveHandlers.map((handler) => [handler.contract.type, handler]))
  const decoder = createEventDecoder({ wanted: liveHandlers.map((handler) => handler.contract) })
  const applyIn = async (tx: TransactionSql, envelope: EventEnvelope): Promise<void> => {
    const decoded = decoder.decode({ ...envelope, position: 0 })
    await handlers.get(decoded.type)!.handle(tx, decoded)
  }
  const bearer = (service: string, user?: TestUser) => identities.headersFor('order-history', { as: service, user })

  return {
    app,
    sql,
    eventing,
    /** Applies events one by one, each in its own transaction, as a live consumer applies a batch of one. */
    async apply(...events: EventEnvelope[]): Promise<void> {
      for (const envelope of events) await sql.begin((tx) => applyIn(tx, envelope))
    },
    /** Applies one event inside a transaction the spec controls. */
    applyIn,
    bearer,
    /** GET through the gateway on behalf of `user` (or of nobody). */
    get: async (url: string, user?: TestUser) =>
      app.inject({ method: 'GET', url, headers: await bearer('gateway', user) }),
    async close() {
      await app.close()
      await eventing.stop()
      await sql.end()
      await database.drop()
    },
  }
}

export type OrderHistoryTestApp = Awaited<ReturnType<typeof createOrderHistoryTestApp>>
