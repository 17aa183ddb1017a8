import { createEnvelope, newId, systemClock } from '@seams/core'
import { createFeedReader, createOutbox, createRelay, outboxMigrations } from '@seams/outbox'
import { createDatabase, runMigrations } from '@seams/service-kit'
import { registerFeedRoute } from '@seams/transport-http-feed'
import { createNatsTransport } from '@seams/transport-nats'
import Fastify from 'fastify'
import { build } from 'hdr-histogram-js'
import { AmountRecordedV1 } from './bench-contract.ts'

// A producing service reduced to its write path: a business row and its event in one transaction,
// the relay, and the HTTP feed. Driven by the benchmark over /control.
const env = process.env
const sql = createDatabase(env['DATABASE_URL']!, { applicationName: 'bench-producer', max: Number(env['POOL'] ?? 32) })
await runMigrations(sql, { sources: [outboxMigrations] })
await sql`
  create table if not exists ledger (
    id uuid primary key, account text not null, amount_cents int not null, memo text not null
  )`
const outbox = createOutbox({ sql, source: 'bench', contracts: [AmountRecordedV1] })
const transport =
  env['TRANSPORT'] === 'jetstream'
    ? createNatsTransport({ servers: env['NATS_URL']!, namespace: env['NATS_NAMESPACE'], name: 'bench-producer' })
    : {}
const relay =
  env['RELAY'] === 'on' ? createRelay({ outbox, transport, batchSize: 1000, pollIntervalMs: 200 }) : undefined
relay?.start()
const deps = { newId, now: systemClock }

async function record(index: number): Promise<void> {
  const entryId = newId()
  const account = `acct-${index % 500}`
  const data = {
    entryId,
    account,
    amountCents: 100 + (index % 9000),
    memo: 'monthly subscription renewal, card ending 4242',
  }
  // The business row and its event in one statement: the outbox's fast path for a change known up front.
  await outbox.commitWith(
    sql`
      insert into ledger (id, account, amount_cents, memo)
      values (${entryId}, ${account}, ${data.amountCents}, ${data.memo})`,
    createEnvelope(deps, AmountRecordedV1, { subject: account, aggregateVersion: 1, data }),
  )
}

/**
 * Closed loop: `writers` concurrent transactions back to back.
 * Open loop: one every 1/rate s, latency from when it was due.
 */
async function write(writers: number, seconds: number, rate: number | undefined) {
  const latency = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  })
  const started = performance.now()
  const end = started + seconds * 1000
  let committed = 0
  let next = 0
  const loop = async () => {
    while (performance.now() < end) {
      const index = next++
      const due = rate === undefined ? performance.now() : started + (index * 1000) / rate
      const wait = due - performance.now()
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
      if (due >= end) return
      await record(index)
      committed += 1
      latency.recordValue(Math.max(1, Math.round((performance.now() - due) * 1000)))
    }
  }
  await Promise.all(Array.from({ length: writers }, loop))
  const elapsed = (performance.now() - started) / 1000
  return {
    committed,
    seconds: elapsed,
    commitsPerSecond: committed / elapsed,
    commitMs: { p50: latency.getValueAtPercentile(50) / 1000, p99: latency.getValueAtPercentile(99) / 1000 },
  }
}

const app = Fastify()
// A benchmark harness on loopback: the feed's readers are its own consumers, so nothing is checked.
registerFeedRoute(app, { reader: createFeedReader(outbox), authorize: () => {} })
app.get('/health/ready', async () => ({ status: 'ready' }))
app.post<{ Body: { writers: number; seconds: number; rate?: number } }>('/control/write', async (request) =>
  write(request.body.writers, request.body.seconds, request.body.rate),
)
app.get(
  '/control/head',
  async () => (await sql<{ head: number }[]>`select coalesce(max(position), 0)::int8 as head from seams_outbox`)[0],
)
await app.listen({ port: Number(env['PORT']), host: '127.0.0.1' })
process.on('SIGTERM', async () => {
  await app.close()
  await relay?.stop()
  await sql.end({ timeout: 2 })
  process.exit(0)
})
