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
    rounds: { type: 'string', default: '3' },
    transports: { type: 'string', default: 'http-feed,jetstream' },
  },
})
const seconds = Number(values.seconds)
const writers = Number(values.writers)
const fixedRate = Number(values.rate)
const rounds = Number(values.rounds)
const transports = values.transports!.split(',') as ('http-feed' | 'jetstream')[]
// A popular TypeScript outbox/inbox library (pg-transactional-outbox 0.5.7, polling relay) measured end to end
// on a 2-core machine of this kind with the same PostgreSQL: the bar a hand-rolled pipeline should clear.
const libraryReference = {
  name: 'pg-transactional-outbox 0.5.7, measured on this kind of machine',
  eventsPerSecond: 744,
}

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
console.log(
  `Machine: ${machine()}. PostgreSQL: ${values['pg-url'] === undefined ? 'embedded' : 'external'}. ` +
    `${seconds} s per phase, ${writers} writers.`,
)

async function drained(consumer: Participant, expected: number, timeoutMs = 120_000): Promise<ConsumerStats> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const stats = await consumer.get<ConsumerStats>('/control/stats')
    if (stats.applied >= expected || Date.now() > deadline) return stats
    await sleep(50)
  }
}

interface Pipeline {
  transport: 'http-feed' | 'jetstream'
  producer: Participant
  consumer: Participant
}

async function startPipeline(transport: 'http-feed' | 'jetstream'): Promise<Pipeline> {
  const namespace = `bench${randomBytes(3).toString('hex')}`
  const natsUrl = values['nats-url']!
  const name = transport.replace('-', '')
  const producer = await startParticipant('producer', {
    DATABASE_URL: await pg.database(`${name}_producer`),
    RELAY: 'on',
    TRANSPORT: transport,
    NATS_URL: natsUrl,
    NATS_NAMESPACE: namespace,
    POOL: String(writers),
  })
  const consumer = await startParticipant('consumer', {
    DATABASE_URL: await pg.database(`${name}_consumer`),
    TRANSPORT: transport,
    FEED_URL: producer.url,
    NATS_URL: natsUrl,
    NATS_NAMESPACE: namespace,
  })
  return { transport, producer, consumer }
}

/** Writers flat out for a phase; the consumer's rate counts until it has applied all of it (the drain counts). */
async function saturate(pipeline: Pipeline) {
  await pipeline.consumer.post('/control/reset')
  const pids = { producer: pipeline.producer.process.pid, consumer: pipeline.consumer.process.pid }
  const startedAt = Date.now()
  const measured = await measureCpu(pids, async () => {
    const written = await pipeline.producer.post<WriteResult>('/control/write', { writers, seconds })
    return { written, stats: await drained(pipeline.consumer, written.committed) }
  })
  const { written, stats } = measured.result
  return {
    written,
    endToEnd: stats.applied / ((stats.lastAppliedAt - startedAt) / 1000),
    lagMs: stats.lagMs,
    cpuSeconds: measured.cpuSeconds,
    machineBusyPercent: measured.machineBusyPercent,
  }
}

async function paced(pipeline: Pipeline) {
  await pipeline.consumer.post('/control/reset')
  const written = await pipeline.producer.post<WriteResult>('/control/write', { writers: 64, seconds, rate: fixedRate })
  const stats = await drained(pipeline.consumer, written.committed)
  return { written, lagMs: stats.lagMs, applied: stats.applied }
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

try {
  const singleInsert = await singleRowInserts(await pg.database('ceiling'), writers, seconds)
  console.log(`Ceiling: single-row INSERT transactions: ${round(singleInsert, 0)}/s`)
  const natsPublish = transports.includes('jetstream')
    ? await jetstreamPublishes(values['nats-url']!, seconds)
    : undefined
  if (natsPublish !== undefined) console.log(`Ceiling: acknowledged JetStream publishes: ${round(natsPublish, 0)}/s`)

  const alone = await startParticipant('producer', {
    DATABASE_URL: await pg.database('alone'),
    RELAY: 'off',
    TRANSPORT: 'none',
    POOL: String(writers),
  })
  const pipelines: Pipeline[] = []
  for (const transport of transports) {
    if (transport === 'jetstream' && natsPublish === undefined) console.log('JetStream skipped: NATS is unreachable')
    else pipelines.push(await startPipeline(transport))
  }
  // Rounds alternate the baseline and each pipeline, so that a slow minute of the disk hits all of them.
  const baselines: { commitsPerSecond: number; cpuSeconds: Record<string, number> }[] = []
  const saturated = new Map<string, Awaited<ReturnType<typeof saturate>>[]>(
    pipelines.map((pipeline) => [pipeline.transport, []]),
  )
  for (let round_ = 1; round_ <= rounds; round_ += 1) {
    const baseline = await measureCpu({ producer: alone.process.pid }, () =>
      alone.post<WriteResult>('/control/write', { writers, seconds }),
    )
    baselines.push({ commitsPerSecond: baseline.result.commitsPerSecond, cpuSeconds: baseline.cpuSeconds })
    const line = [`round ${round_}: baseline ${round(baseline.result.commitsPerSecond, 0)}/s`]
    for (const pipeline of pipelines) {
      const run = await saturate(pipeline)
      saturated.get(pipeline.transport)!.push(run)
      line.push(
        `${pipeline.transport} ${round(run.endToEnd, 0)}/s ` +
          `(${round((run.endToEnd / baseline.result.commitsPerSecond) * 100)} %)`,
      )
    }
    console.log(line.join(', '))
  }
  await alone.process.stop()
  const baselineRate = median(baselines.map((baseline) => baseline.commitsPerSecond))
  console.log(
    'Ceiling: business row + outbox row transactions, nothing else running: ' +
      `${round(baselineRate, 0)}/s (median of ${rounds})`,
  )

  const runs = []
  for (const pipeline of pipelines) {
    const rounds_ = saturated.get(pipeline.transport)!
    const middle = rounds_.find((run) => run.endToEnd === median(rounds_.map((candidate) => candidate.endToEnd)))!
    const run = {
      transport: pipeline.transport,
      endToEnd: middle.endToEnd,
      ratioPerRound: rounds_.map((candidate, index) => candidate.endToEnd / baselines[index]!.commitsPerSecond),
      written: middle.written,
      lagMs: middle.lagMs,
      cpu: { cpuSeconds: middle.cpuSeconds, machineBusyPercent: middle.machineBusyPercent },
      paced: await paced(pipeline),
    }
    runs.push(run)
    await pipeline.producer.process.stop()
    await pipeline.consumer.process.stop()
    console.log(
      `${pipeline.transport}: end to end ${round(run.endToEnd, 0)} events/s (median), ` +
        `${round(median(run.ratioPerRound) * 100)} % of the commit ceiling (median of per-round ratios), ` +
        `lag p50 ${round(run.lagMs.p50)} ms p99 ${round(run.lagMs.p99)} ms; ` +
        `at ${fixedRate}/s: lag p50 ${round(run.paced.lagMs.p50)} ms p99 ${round(run.paced.lagMs.p99)} ms`,
    )
  }
  const baseline = { result: { commitsPerSecond: baselineRate }, cpuSeconds: baselines[0]!.cpuSeconds }

  const rows = runs.map((run) => [
    run.transport,
    round(run.written.commitsPerSecond, 0),
    round(run.endToEnd, 0),
    `${round(median(run.ratioPerRound) * 100)} %`,
    `${round(run.endToEnd / libraryReference.eventsPerSecond, 1)} ×`,
    `${round(run.lagMs.p50)} / ${round(run.lagMs.p99)}`,
    `${round(run.paced.written.commitsPerSecond, 0)}`,
    `${round(run.paced.lagMs.p50)} / ${round(run.paced.lagMs.p99)}`,
    `${run.cpu.machineBusyPercent} %`,
  ])
  const markdown = [
    `# Event pipeline benchmark`,
    ``,
    `Machine: ${machine()}. ${seconds} s per phase, ${writers} concurrent writers, ` +
      `${rounds} rounds alternating the baseline and each pipeline (medians reported); ` +
      `PostgreSQL ${values['pg-url'] === undefined ? 'embedded (npm package)' : 'external'}, ` +
      'synchronous_commit on for producers and relays.',
    ``,
    `## Ceilings, measured in the same run`,
    table(
      ['what', 'per second'],
      [
        ['single-row INSERT transactions', round(singleInsert, 0)],
        [
          'business row + outbox row transactions, nothing else running (median)',
          round(baseline.result.commitsPerSecond, 0),
        ],
        [
          'acknowledged JetStream publishes (256 in flight, 300 B)',
          natsPublish === undefined ? 'n/a' : round(natsPublish, 0),
        ],
        [libraryReference.name, libraryReference.eventsPerSecond],
      ],
    ),
    ``,
    `## Pipeline: outbox → relay → transport → inbox → read model`,
    table(
      [
        'transport',
        'producer commits/s',
        'end to end events/s',
        'of commit ceiling',
        'vs library',
        'lag p50/p99 ms (saturated)',
        `paced events/s`,
        `lag p50/p99 ms at ${fixedRate}/s`,
        'machine CPU',
      ],
      rows,
    ),
    ``,
    'End to end = events applied by the consumer ÷ time from the first write to the last apply ' +
      '(the drain after the writers stop counts). ' +
      `"Of commit ceiling" = median over rounds of end to end ÷ that round's baseline. ` +
      'Lag = consumer commit time − event creation time at the producer.',
  ].join('\n')
  const folder = writeResults(
    'events',
    {
      machine: machine(),
      seconds,
      writers,
      fixedRate,
      rounds,
      ceilings: { singleInsert, natsPublish, businessPlusOutbox: baseline.result, baselines, libraryReference },
      baselineCpu: baseline.cpuSeconds,
      runs,
    },
    markdown,
  )
  console.log(`\n${markdown}\n\nWritten to ${folder}`)
} finally {
  await pg.close()
}
