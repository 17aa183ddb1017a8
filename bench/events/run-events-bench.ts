import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import { measureCpu } from '../support/cpu.ts'
import { benchPostgres } from '../support/postgres.ts'
import { machine, round, table, writeResults } from '../support/report.ts'
import { jetstreamPublishes, singleRowInserts } from './ceilings.ts'
import { startParticipant, type Participant } from './participants.ts'

// npm run bench:events: the event pipeline (outbox → relay → transport → inbox → read model) against the
// ceilings of this machine, measured in the same run so that the figures read as ratios.

const { values } = parseArgs({
  options: {
    'pg-url': { type: 'string' },
    'nats-url': { type: 'string', default: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222' },
    seconds: { type: 'string', default: '10' },
    writers: { type: 'string', default: '32' },
    rate: { type: 'string', default: '1000' },
    transports: { type: 'string', default: 'http-feed,jetstream' },
  },
})
const seconds = Number(values.seconds)
const writers = Number(values.writers)
const fixedRate = Number(values.rate)
const transports = values.transports!.split(',') as ('http-feed' | 'jetstream')[]
// The TypeScript outbox/inbox library measured on this kind of machine (../shared/MEASURED.md, pg-transactional-outbox 0.5.7).
const libraryReference = { name: 'pg-transactional-outbox 0.5.7 (MEASURED.md)', eventsPerSecond: 744 }

interface WriteResult {
  committed: number
  seconds: number
  commitsPerSecond: number
  commitMs: { p50: number; p99: number }
}
interface ConsumerStats {
  applied: number
  lastAppliedAt: number
  lagMs: { p50: number; p99: number; max: number; count: number }
}

const pg = await benchPostgres(values['pg-url'], 15440)
console.log(`Machine: ${machine()}. PostgreSQL: ${values['pg-url'] === undefined ? 'embedded' : 'external'}. ${seconds} s per phase, ${writers} writers.`)

async function drained(consumer: Participant, expected: number, timeoutMs = 120_000): Promise<ConsumerStats> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const stats = await consumer.get<ConsumerStats>('/control/stats')
    if (stats.applied >= expected || Date.now() > deadline) return stats
    await sleep(50)
  }
}

async function pipeline(transport: 'http-feed' | 'jetstream') {
  const namespace = `bench${randomBytes(3).toString('hex')}`
  const natsUrl = values['nats-url']!
  const producer = await startParticipant('producer', { DATABASE_URL: await pg.database(`${transport.replace('-', '')}_producer`), RELAY: 'on', TRANSPORT: transport, NATS_URL: natsUrl, NATS_NAMESPACE: namespace, POOL: String(writers) })
  const consumer = await startParticipant('consumer', { DATABASE_URL: await pg.database(`${transport.replace('-', '')}_consumer`), TRANSPORT: transport, FEED_URL: producer.url, NATS_URL: natsUrl, NATS_NAMESPACE: namespace })
  try {
    const pids = { producer: producer.process.pid, consumer: consumer.process.pid }
    const startedAt = Date.now()
    const saturated = await measureCpu(pids, async () => {
      const written = await producer.post<WriteResult>('/control/write', { writers, seconds })
      return { written, stats: await drained(consumer, written.committed) }
    })
    const { written, stats } = saturated.result
    const endToEnd = stats.applied / ((stats.lastAppliedAt - startedAt) / 1000)
    await consumer.post('/control/reset')
    const paced = await producer.post<WriteResult>('/control/write', { writers: 64, seconds, rate: fixedRate })
    const pacedStats = await drained(consumer, paced.committed)
    return { transport, written, endToEnd, lagMs: stats.lagMs, cpu: saturated, paced: { written: paced, lagMs: pacedStats.lagMs, applied: pacedStats.applied } }
  } finally {
    await producer.process.stop()
    await consumer.process.stop()
  }
}

try {
  const singleInsert = await singleRowInserts(await pg.database('ceiling'), writers, seconds)
  console.log(`Ceiling: single-row INSERT transactions: ${round(singleInsert, 0)}/s`)
  const natsPublish = transports.includes('jetstream') ? await jetstreamPublishes(values['nats-url']!, seconds) : undefined
  if (natsPublish !== undefined) console.log(`Ceiling: acknowledged JetStream publishes: ${round(natsPublish, 0)}/s`)

  const alone = await startParticipant('producer', { DATABASE_URL: await pg.database('alone'), RELAY: 'off', TRANSPORT: 'none', POOL: String(writers) })
  const baseline = await measureCpu({ producer: alone.process.pid }, () => alone.post<WriteResult>('/control/write', { writers, seconds }))
  await alone.process.stop()
  console.log(`Ceiling: business row + outbox row transactions, nothing else running: ${round(baseline.result.commitsPerSecond, 0)}/s`)

  const runs = []
  for (const transport of transports) {
    if (transport === 'jetstream' && natsPublish === undefined) {
      console.log('JetStream skipped: NATS is unreachable')
      continue
    }
    const run = await pipeline(transport)
    runs.push(run)
    console.log(
      `${transport}: end to end ${round(run.endToEnd, 0)} events/s (${round((run.endToEnd / baseline.result.commitsPerSecond) * 100)} % of the commit ceiling), ` +
        `lag p50 ${round(run.lagMs.p50)} ms p99 ${round(run.lagMs.p99)} ms; at ${fixedRate}/s: lag p50 ${round(run.paced.lagMs.p50)} ms p99 ${round(run.paced.lagMs.p99)} ms`,
    )
  }

  const rows = runs.map((run) => [
    run.transport,
    round(run.written.commitsPerSecond, 0),
    round(run.endToEnd, 0),
    `${round((run.endToEnd / baseline.result.commitsPerSecond) * 100)} %`,
    `${round(run.endToEnd / libraryReference.eventsPerSecond, 1)} ×`,
    `${round(run.lagMs.p50)} / ${round(run.lagMs.p99)}`,
    `${round(run.paced.written.commitsPerSecond, 0)}`,
    `${round(run.paced.lagMs.p50)} / ${round(run.paced.lagMs.p99)}`,
    `${run.cpu.machineBusyPercent} %`,
  ])
  const markdown = [
    `# Event pipeline benchmark`,
    ``,
    `Machine: ${machine()}. ${seconds} s per phase, ${writers} concurrent writers; PostgreSQL ${values['pg-url'] === undefined ? 'embedded (npm package)' : 'external'}, synchronous_commit on.`,
    ``,
    `## Ceilings, measured in the same run`,
    table(['what', 'per second'], [
      ['single-row INSERT transactions', round(singleInsert, 0)],
      ['business row + outbox row transactions, nothing else running', round(baseline.result.commitsPerSecond, 0)],
      ['acknowledged JetStream publishes (256 in flight, 300 B)', natsPublish === undefined ? 'n/a' : round(natsPublish, 0)],
      [libraryReference.name, libraryReference.eventsPerSecond],
    ]),
    ``,
    `## Pipeline: outbox → relay → transport → inbox → read model`,
    table(['transport', 'producer commits/s', 'end to end events/s', 'of commit ceiling', 'vs library', 'lag p50/p99 ms (saturated)', `paced events/s`, `lag p50/p99 ms at ${fixedRate}/s`, 'machine CPU'], rows),
    ``,
    `End to end = events applied by the consumer ÷ time from the first write to the last apply (the drain after the writers stop counts). Lag = consumer commit time − event creation time at the producer.`,
  ].join('\n')
  const folder = writeResults('events', { machine: machine(), seconds, writers, fixedRate, ceilings: { singleInsert, natsPublish, businessPlusOutbox: baseline.result, libraryReference }, baselineCpu: baseline.cpuSeconds, runs }, markdown)
  console.log(`\n${markdown}\n\nWritten to ${folder}`)
} finally {
  await pg.close()
}
