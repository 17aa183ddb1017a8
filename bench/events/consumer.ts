import type { DeliveredEvent } from '@seams/core'
import { createConsumer, inboxMigrations, onBatch } from '@seams/inbox'
import { createDatabase, runMigrations } from '@seams/service-kit'
import { createHttpFeedTransport } from '@seams/transport-http-feed'
import { createNatsTransport } from '@seams/transport-nats'
import Fastify from 'fastify'
import { build } from 'hdr-histogram-js'
import { AmountRecordedV1 } from './bench-contract.ts'

// A consuming service reduced to a read model: balances per account, kept from the producer's events
// through the real inbox (exactly once) and transport. Lag is measured per event, producer to commit.
const env = process.env
const sql = createDatabase(env['DATABASE_URL']!, { applicationName: 'bench-consumer', max: 4 })
await runMigrations(sql, { sources: [inboxMigrations] })
await sql`
  create table if not exists balances (account text primary key, total_cents bigint not null, entries int not null)`
const transport =
  env['TRANSPORT'] === 'jetstream'
    ? createNatsTransport({ servers: env['NATS_URL']!, namespace: env['NATS_NAMESPACE'], name: 'bench-consumer' })
    : createHttpFeedTransport({ sources: { bench: env['FEED_URL']! }, waitMs: 20_000 })

const lag = build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 })
let applied = 0
let lastAppliedAt = 0

const consumer = createConsumer({
  sql,
  name: 'bench.balances',
  source: 'bench',
  transport,
  maxBatch: 1000,
  handlers: [
    // One statement per run of events, summed per account first.
    onBatch(AmountRecordedV1, async (tx, events) => {
      const sums = new Map<string, { total: number; entries: number }>()
      for (const event of events) {
        const sum = sums.get(event.data.account) ?? { total: 0, entries: 0 }
        sum.total += event.data.amountCents
        sum.entries += 1
        sums.set(event.data.account, sum)
      }
      const accounts = [...sums.keys()]
      await tx`
        insert into balances (account, total_cents, entries)
        select * from unnest(
          ${accounts}::text[],
          ${accounts.map((a) => sums.get(a)!.total)}::int8[],
          ${accounts.map((a) => sums.get(a)!.entries)}::int[]
        )
        on conflict (account) do update
          set total_cents = balances.total_cents + excluded.total_cents, entries = balances.entries + excluded.entries`
    }),
  ],
  onApplied(events: readonly DeliveredEvent[], committedAt: number) {
    for (const event of events) lag.recordValue(Math.max(1, Math.round((committedAt - Date.parse(event.time)) * 1000)))
    applied += events.length
    lastAppliedAt = committedAt
  },
})
consumer.start()

const app = Fastify()
app.get('/health/ready', async () => ({ status: 'ready' }))
app.get('/control/stats', async () => ({
  applied,
  lastAppliedAt,
  lagMs: {
    p50: lag.getValueAtPercentile(50) / 1000,
    p99: lag.getValueAtPercentile(99) / 1000,
    max: lag.maxValue / 1000,
    count: lag.totalCount,
  },
}))
app.post('/control/reset', async () => {
  lag.reset()
  applied = 0
  return { ok: true }
})
await app.listen({ port: Number(env['PORT']), host: '127.0.0.1' })
process.on('SIGTERM', async () => {
  await app.close()
  await consumer.stop()
  await transport.close()
  await sql.end({ timeout: 2 })
  process.exit(0)
})
