import { fileURLToPath } from 'node:url'
import { newId, systemClock } from '@seams/core'
import { createEventing } from '@seams/eventing'
import {
  createDatabase,
  createLogger,
  createMetricsRegistry,
  runMigrations,
  type ServiceApp,
  type Sql,
} from '@seams/service-kit'
import { createTestDatabase, createTestIdentities } from '@seams/testing'
import {
  paymentsEvents,
  type AuthorizePaymentRequest,
  type Payment,
  type SimulatorSettings,
} from '@shop/payments-contracts'
import { buildApp } from './app.ts'
import { createSimulatedProvider } from './payment-provider/simulated-provider.ts'

// Shared by this service's integration specs: a real database, the app as main.ts wires it, and the
// calls the specs make over and over.

export const calm: SimulatorSettings = { latencyMs: 0, jitterMs: 0, declineRate: 0, errorRate: 0, hangRate: 0 }

export const newTerms = (): AuthorizePaymentRequest => ({
  paymentId: newId(),
  orderId: newId(),
  customerId: newId(),
  amountCents: 4200,
  currency: 'EUR',
})

export interface RecordedEvent {
  type: string
  version: number
  data: Record<string, unknown>
}

/** Payments on a fresh database; `orders` may call the service-only routes, `operator` the simulator. */
export async function createPaymentsTestApp(options: { providerTimeoutMs: number }) {
  const identities = await createTestIdentities(['gateway', 'payments', 'orders', 'faults', 'catalog', 'operator'])
  const database = await createTestDatabase('payments')
  const sql: Sql = createDatabase(database.url, { applicationName: 'payments-test', max: 20 })
  const eventing = createEventing({ sql, service: 'payments', publishes: paymentsEvents, transport: 'http-feed' })
  await runMigrations(sql, {
    sources: [
      ...eventing.migrations,
      { component: 'payments', directory: fileURLToPath(new URL('../migrations', import.meta.url)) },
    ],
  })
  const simulator = createSimulatedProvider({ settings: calm })
  const app: ServiceApp = await buildApp({
    sql,
    eventing,
    auth: identities.authOf('payments'),
    logger: createLogger({ service: 'payments', level: 'silent' }),
    metrics: createMetricsRegistry('payments'),
    newId,
    now: systemClock,
    provider: simulator,
    simulator,
    providerTimeoutMs: options.providerTimeoutMs,
    paymentCallers: ['orders'],
  })

  const bearer = (service: string, user?: { id: string; role: string }) =>
    identities.headersFor('payments', { as: service, user })
  const asOrders = () => bearer('orders')

  return {
    app,
    sql,
    identities,
    bearer,
    asOrders,
    /** A call through the gateway on behalf of `user`. */
    asUser: (user: { id: string; role: string }) => bearer('gateway', user),
    authorize: async (terms: AuthorizePaymentRequest) =>
      app.inject({ method: 'POST', url: '/payments', headers: await asOrders(), payload: terms }),
    act: async (id: string, action: 'capture' | 'void' | 'refund') =>
      app.inject({ method: 'POST', url: `/payments/${id}/${action}`, headers: await asOrders() }),
    paymentOf: async (id: string) =>
      (await app.inject({ method: 'GET', url: `/payments/${id}`, headers: await asOrders() })).json() as Payment,
    /** Turns the simulator's knobs through its HTTP route; unnamed knobs go back to calm. */
    simulate: async (settings: Partial<SimulatorSettings>) => {
      const response = await app.inject({
        method: 'PUT',
        url: '/simulator',
        headers: await bearer('operator'),
        payload: { ...calm, ...settings },
      })
      if (response.statusCode !== 200)
        throw new Error(`PUT /simulator answered ${response.statusCode}: ${response.body}`)
    },
    /** The payment's events in the outbox, in the order they were written. */
    eventsOf: async (paymentId: string): Promise<RecordedEvent[]> => {
      const rows = await sql<{ type: string; envelope: { aggregateversion: number; data: Record<string, unknown> } }[]>`
        select type, envelope from seams_outbox where subject = ${paymentId} order by id`
      return rows.map((row) => ({ type: row.type, version: row.envelope.aggregateversion, data: row.envelope.data }))
    },
    count: async (table: string) => Number((await sql`select count(*) as n from ${sql(table)}`)[0]!['n']),
    async close() {
      await app.close()
      await sql.end()
      await database.drop()
    },
  }
}

export type PaymentsTestApp = Awaited<ReturnType<typeof createPaymentsTestApp>>
