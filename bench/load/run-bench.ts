import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { freePort } from '@seams/process-runner'
import { createServiceAuth, type ServiceAuth } from '@seams/service-kit'
import { generateSecrets, serviceNames, startShop, type RunningShop, type ServiceName } from '@shop/launcher'
import { groupCpuSeconds, machineCpuSeconds, pidsOf, processCpuSeconds, processTree } from '../support/cpu.ts'
import { benchPostgres } from '../support/postgres.ts'
import { machine, round, writeResults } from '../support/report.ts'
import { jetstreamPublishes, singleRowInserts } from '../events/ceilings.ts'
import { measureHttpCeiling } from './ceiling.ts'
import { createConnectionPool } from './connections.ts'
import { loadShape, parseShare } from './load-shape.ts'
import { createLoginRotation, loginAccountsFor } from './logins.ts'
import { runOpenLoop, warmUp, type LoadResult } from './open-loop.ts'
import { scrape, sumOf } from './prometheus.ts'
import { propagationOf, type Propagation } from './propagation.ts'
import { costedEndpoints, endpointCost, type EndpointCost } from './endpoint-costs.ts'
import { overloadFigures, recoveryOf, type OverloadFigures, type Recovery } from './overload.ts'
import { renderReport, type IdleCpu, type Run, type SweepRow } from './report.ts'
import { summarizeRun } from './run-summary.ts'
import { createSagaTracker } from './saga-tracker.ts'
import { adminToken, benchAccounts, benchCredentials, benchProducts, benchUsers } from './setup.ts'
import { defaultMix, onlyMix, type Endpoint, type Mix, type VirtualUser } from './workload.ts'

const hasOrders = (user: VirtualUser) => user.orders.length > 0
const mapValues = <T, R>(record: Record<string, T>, map: (value: T, key: string) => R): Record<string, R> =>
  Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value, key)]))
const cores = () => availableParallelism()

// npm run bench: the seed's NFRs (p99 < 300 ms, 5,000 concurrent users, 99.9 % availability) measured end to
// end through the gateway, with this machine's ceilings measured in the same run.
const { values } = parseArgs({
  options: {
    target: { type: 'string' },
    'admin-email': { type: 'string', default: 'admin@seams.local' },
    'pg-url': { type: 'string' },
    transport: { type: 'string', default: 'http-feed' },
    'nats-url': { type: 'string', default: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222' },
    users: { type: 'string', default: '5000' },
    // Mean ms between two requests of one user (2000 unless --rate is given); --rate sets it from the users.
    interval: { type: 'string' },
    rate: { type: 'string' },
    duration: { type: 'string', default: '60' },
    // The longest warm-up: it ends as soon as every user has had an answer.
    warmup: { type: 'string', default: '120' },
    // Measured runs one after the other, on the same connections.
    runs: { type: 'string', default: '1' },
    // A share of requests that are logins, measured apart from the steady mix (0.05 or 5%).
    'new-sessions': { type: 'string' },
    products: { type: 'string', default: '200' },
    seed: { type: 'string', default: '42' },
    sweep: { type: 'boolean', default: false },
    'sweep-seconds': { type: 'string', default: '20' },
    // The measured runs send this endpoint only (browse, productDetail, order, orderDetails, orderHistory,
    // placeOrder, profileUpdate), e.g. to profile it.
    only: { type: 'string' },
    // After the runs: twice the offered rate for 20 s, then the offered rate for 30 s (shedding and recovery).
    overload: { type: 'boolean', default: false },
    // After the runs, one run per endpoint on its own, for the CPU each costs (`--endpoint-rate` req/s each).
    'endpoint-costs': { type: 'boolean', default: false },
    'endpoint-rate': { type: 'string', default: '300' },
    'endpoint-seconds': { type: 'string', default: '15' },
    // Comma-separated services to run with --cpu-prof (profiles land in bench/results/profiles/).
    profile: { type: 'string' },
  },
})
const users = Number(values.users)
const { intervalMs, offered } = loadShape({
  users,
  intervalMs: values.interval === undefined ? undefined : Number(values.interval),
  ratePerSecond: values.rate === undefined ? undefined : Number(values.rate),
})
const durationMs = Number(values.duration) * 1000
const warmupMaxMs = Number(values.warmup) * 1000
const runCount = Number(values.runs)
if (!Number.isInteger(runCount) || runCount < 1)
  throw new Error(`--runs takes a whole number from 1 (got ${values.runs})`)
const newSessionShare = parseShare(values['new-sessions'])
if (values.only !== undefined && !(values.only in defaultMix))
  throw new Error(`--only takes one of ${Object.keys(defaultMix).join(', ')} (got ${values.only})`)
// Users' throttle lets five logins of one account through at once, then backs off: taking accounts in turn,
// enough of them that one account logs in at most once per three minutes at this rate, keeps clear of it.
const loginRepeatSeconds = 180
const transport = values.transport as 'http-feed' | 'jetstream'

const pg =
  values.target === undefined || values['pg-url'] !== undefined
    ? await benchPostgres(values['pg-url'], 15441)
    : undefined
let shop: RunningShop | undefined
let gateway = values.target
let adminPassword = values.target === undefined ? undefined : runningShopAdminPassword()
let operator: ServiceAuth | undefined
if (gateway === undefined) {
  const secrets = generateSecrets()
  adminPassword = secrets.adminPassword
  operator = createServiceAuth({
    service: 'operator',
    privateKey: secrets.serviceKeys['operator']!.privateKey,
    peers: {},
  })
  const ports = Object.fromEntries(
    await Promise.all(serviceNames.map(async (name) => [name, await freePort()] as const)),
  ) as Record<ServiceName, number>
  const quiet = Object.fromEntries(serviceNames.map((name) => [name, { LOG_LEVEL: 'warn' }]))
  console.log(`Starting the shop (${transport}) ...`)
  shop = await startShop({
    adminPgUrl: pg!.adminUrl,
    ports,
    secrets,
    transport,
    natsUrl: values['nats-url'],
    natsNamespace: `bench${Date.now().toString(36)}`,
    databasePrefix: `bench_${Date.now().toString(36)}_`,
    nodeArgs: Object.fromEntries(
      (values.profile?.split(',') ?? []).map((name) => [
        name,
        ['--cpu-prof', `--cpu-prof-dir=${join('bench', 'results', 'profiles')}`],
      ]),
    ),
    overrides: {
      ...quiet,
      // The load comes from one address and 5,000 accounts; the limits are the benchmark's, not an attacker's.
      gateway: { LOG_LEVEL: 'warn', RATE_LIMIT_USER_MAX: '100000', RATE_LIMIT_ANONYMOUS_MAX: '10000000' },
      // Signing 5,000 accounts up and in is setup, not the measured mix: cheaper password hashes keep it
      // short, the sign-up limit is the benchmark's, and tokens outlive a sweep (15 minutes would not).
      users: { LOG_LEVEL: 'warn', SCRYPT_COST: '1024', REGISTRATIONS_PER_MINUTE: '1000000', JWT_TTL_SECONDS: '14400' },
    },
  })
  gateway = shop.urls.gateway
}
if (adminPassword === undefined)
  throw new Error(
    'the admin password of the shop at --target is needed: set SEAMS_ADMIN_PASSWORD, ' +
      'or run from the folder where npm start made .seams/secrets.json',
  )

const seeded = { seed: Number(values.seed) }
console.log(`Machine: ${machine()}. Preparing ${values.products} products and ${users} users ...`)
const admin = await adminToken(gateway, values['admin-email']!, adminPassword)
const productIds = await benchProducts(gateway, admin, Number(values.products))
const virtualUsers = await benchUsers(gateway, users, (done) => console.log(`  ${done} users logged in`))
const loginAccounts = newSessionShare === 0 ? 0 : loginAccountsFor(offered * newSessionShare, loginRepeatSeconds, users)
if (loginAccounts > users) {
  console.log(
    `Registering ${loginAccounts - users} more accounts, so that each logs in at most once ` +
      `per ${loginRepeatSeconds} s at ${round(offered * newSessionShare, 1)} logins/s ...`,
  )
  await benchAccounts(gateway, users, loginAccounts)
}
const newSessions =
  newSessionShare === 0
    ? undefined
    : { share: newSessionShare, logins: createLoginRotation(loginAccounts, benchCredentials) }

// The HTTP ceiling: a bare Fastify route under the same generator, users, kept connections, warm-up and rate.
const httpCeiling = await measureHttpCeiling({
  users: virtualUsers,
  intervalMs,
  durationMs: Math.min(durationMs, 20_000),
  warmupMaxMs,
  ...seeded,
})
const ceilings = {
  http: httpCeiling,
  singleInsertsPerSecond: pg === undefined ? undefined : await singleRowInserts(await pg.database('ceiling'), 32, 5),
  jetstreamPublishesPerSecond: await jetstreamPublishes(values['nats-url']!, 5),
}
const perSecond = (rate: number | undefined, missing: string) => (rate === undefined ? missing : `${round(rate, 0)}/s`)
console.log(
  `Ceilings: bare Fastify p99 ${round(ceilings.http.p99)} ms at ${round(ceilings.http.rate, 0)}/s ` +
    `(${httpCeiling.connections.acceptedByServer} connections accepted, ` +
    `${httpCeiling.connections.reopened} re-opened); ` +
    `single-row inserts ${perSecond(ceilings.singleInsertsPerSecond, 'not measured (give --pg-url)')}; ` +
    `JetStream publishes ${perSecond(ceilings.jetstreamPublishesPerSecond, 'not measured (NATS unreachable)')}`,
)

// One connection per user for the whole benchmark: connected here, before any clock, closed at the very end.
const connections = createConnectionPool(gateway, users, { pingPath: '/health/live' })
console.log(`Connecting ${users} users ...`)
const connected = await connections.connect()
await settle()
const idle = await idleCpu(10)
if (idle !== undefined)
  console.log(
    `  idle (10 s, connections open): ${idle.machinePercent} % of the machine; ms of CPU per second: ` +
      Object.entries(idle.msPerSecond)
        .map(([name, ms]) => `${name} ${ms}`)
        .join(', '),
  )
console.log(
  `  connected in ${round(connected.ms / 1000, 2)} s (${connected.failed} failed); ` +
    `warming up until every user has had an answer (at most ${values.warmup} s) ...`,
)
const warm = {
  ...(await warmUp({
    connections,
    users: virtualUsers,
    productIds,
    meanIntervalMs: intervalMs,
    maxMs: warmupMaxMs,
    ...seeded,
  })),
  maxMs: warmupMaxMs,
}
console.log(
  `  warm-up: ${round(warm.ms / 1000, 1)} s, ${warm.requests} requests, ${warm.errors} errors` +
    (warm.errors === 0 ? '' : ` ${JSON.stringify(warm.errorsByOutcome)}`) +
    (warm.boundHit ? `; stopped at its bound with ${warm.usersLeft} users unanswered` : ''),
)

if (warm.errors > 0) printServiceWarnings()

/** What the services warned about lately, each message once with its count: the why behind errors. */
function printServiceWarnings(): void {
  for (const name of serviceNames) {
    const counts = new Map<string, number>()
    for (const line of shop?.process(name)?.output().split('\n') ?? []) {
      if (!line.startsWith('{')) continue
      const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } }
      if ((entry.level ?? 0) < 40) continue
      const text = `${entry.msg ?? ''}${entry.err?.message === undefined ? '' : `: ${entry.err.message}`}`.slice(0, 240)
      counts.set(text, (counts.get(text) ?? 0) + 1)
    }
    for (const [text, count] of counts) console.log(`  ${name} warned ${count} ×: ${text}`)
  }
}

// The shop's PostgreSQL only: the embedded server's processes, or every postgres process for a --pg-url server
// (which then counts whatever else uses it).
function postgresCpuSeconds(): number {
  const postmaster = pg?.postmasterPid()
  return groupCpuSeconds(postmaster === undefined ? pidsOf('postgres') : processTree(postmaster))
}

/** The shop at rest for `seconds` (connections open, nothing sent): each process's CPU per second. */
async function idleCpu(seconds: number): Promise<IdleCpu | undefined> {
  if (shop === undefined) return undefined
  const pids = Object.fromEntries(serviceNames.map((name) => [name, shop!.process(name)!.pid]))
  const before: Record<string, number> = { ...mapValues(pids, processCpuSeconds), postgres: postgresCpuSeconds() }
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000))
  const after = { ...mapValues(pids, processCpuSeconds), postgres: postgresCpuSeconds() }
  const msPerSecond = mapValues(after, (value, name) => round(((value - before[name]!) * 1000) / seconds, 1))
  const total = Object.values(msPerSecond).reduce((sum, value) => sum + value, 0)
  return { seconds, msPerSecond, machinePercent: round(total / 10 / cores(), 2) }
}

async function measured(
  rateIntervalMs: number,
  runMs: number,
  progress: boolean,
  only?: { mix: Mix; users: readonly VirtualUser[] },
): Promise<Run> {
  const tracker = createSagaTracker(gateway!, 10)
  const servicePids = Object.fromEntries(
    serviceNames.flatMap((name) => (shop?.process(name) === undefined ? [] : [[name, shop.process(name)!.pid]])),
  )
  const cpuBefore = {
    ...Object.fromEntries(Object.entries(servicePids).map(([name, pid]) => [name, processCpuSeconds(pid)])),
    postgres: postgresCpuSeconds(),
    generator: processCpuSeconds(process.pid),
  }
  const machineBefore = machineCpuSeconds()
  const propagation =
    shop === undefined
      ? undefined
      : await propagationOf({ orders: shop.urls.orders, 'order-history': shop.urls['order-history'] })
  const openedBefore = connections.stats().opened
  const result: LoadResult = await runOpenLoop({
    connections,
    users: only?.users ?? virtualUsers,
    mix: only?.mix,
    productIds,
    meanIntervalMs: rateIntervalMs,
    durationMs: runMs,
    ...seeded,
    newSessions: only === undefined ? newSessions : undefined,
    onOrderAccepted: tracker.accepted,
    onSecond: (second) => {
      propagation?.tick(second.second)
      if (progress && second.second % 5 === 0)
        console.log(`  ${second.second} s: ${second.sent} req/s, ${second.errors} errors, p99 ${round(second.p99)} ms`)
    },
  })
  const connectionsOpened = connections.stats().opened - openedBefore
  const machineAfter = machineCpuSeconds()
  const cpuSeconds = Object.fromEntries(
    Object.entries(cpuBefore).map(([name, before]) => [
      name,
      round(
        (name === 'postgres'
          ? postgresCpuSeconds()
          : processCpuSeconds(name === 'generator' ? process.pid : servicePids[name]!)) - before,
        2,
      ),
    ]),
  )
  const busy = machineAfter.busy - machineBefore.busy
  const machineBusyPercent = round((busy / (busy + machineAfter.idle - machineBefore.idle)) * 100)
  return {
    result,
    saga: await tracker.result(),
    propagation: (await propagation?.finish()) as Propagation | undefined,
    cpuSeconds,
    machineBusyPercent,
    connectionsOpened,
  }
}

// Waits until the shop has worked off what a run left behind (events not yet applied, sagas still
// running), so the next run measures its own load; gives up after three minutes and says so.
async function settle(): Promise<void> {
  if (shop === undefined) return
  const backlog = async () => {
    const asOperator = `Bearer ${await operator!.tokenFor('gateway')}`
    const texts = await Promise.all(
      serviceNames.map((name) => scrape(shop!.urls[name], name === 'gateway' ? asOperator : undefined).catch(() => '')),
    )
    return sumOf(texts, 'consumer_lag_events') + sumOf(texts, 'saga_active')
  }
  const deadline = Date.now() + 180_000
  for (let left = await backlog(); left > 0; left = await backlog()) {
    if (Date.now() > deadline)
      return console.log(`  the shop still had ${left} events and sagas in hand after three minutes; measuring anyway`)
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

// The sweep runs first: the main run may overload the shop, and what an overload leaves behind (bloated
// tables, a backlog worked off for minutes) would make the sweep's first steps look worse than they are.
const sweep: SweepRow[] = []
if (values.sweep) {
  // A ladder of 20 to 50 % steps from a rate any machine meets, so the answer is found within one step.
  for (const step of [
    100, 150, 200, 250, 300, 400, 500, 600, 800, 1000, 1250, 1500, 2000, 2500, 3000, 4000, 5000, 6000, 8000,
  ]) {
    await settle()
    const run = await measured((users * 1000) / step, Number(values['sweep-seconds']) * 1000, false)
    const summary = summarizeRun(run.result)
    const passed = summary.p99 < 300 && summary.errorRate <= 0.001
    sweep.push({
      offered: step,
      succeededPerSecond: round(run.result.succeeded / run.result.seconds, 0),
      p99: round(summary.p99),
      errorRate: summary.errorRate,
      passed,
      perSecondP99: summary.perSecondP99,
      firstSecondsDiffer: summary.firstSeconds?.differs,
      connectionsOpened: run.connectionsOpened,
    })
    console.log(
      `  sweep ${step} req/s offered: p99 ${round(summary.p99)} ms, errors ${round(summary.errorRate * 100, 2)} %` +
        (summary.firstSeconds?.differs === true ? ', first seconds differ' : '') +
        ` → ${passed ? 'meets the NFRs' : 'does not'}`,
    )
    if (!passed) break
  }
}

const runs: Run[] = []
for (let index = 1; index <= runCount; index += 1) {
  await settle()
  console.log(
    `Measuring${runCount > 1 ? ` run ${index} of ${runCount}` : ''} for ${values.duration} s: ${users} users, ` +
      `one request every ${round(intervalMs, 1)} ms each (${round(offered, 0)} req/s offered` +
      (newSessions === undefined ? '' : `, ${round(newSessionShare * 100, 2)} % logins`) +
      ') ...',
  )
  const run = await measured(
    intervalMs,
    durationMs,
    true,
    values.only === undefined ? undefined : { mix: onlyMix(values.only as Endpoint), users: virtualUsers },
  )
  const summary = summarizeRun(run.result)
  console.log(
    `  run ${index}: p99 ${round(summary.p99)} ms, ${summary.errors} errors, ` +
      `${run.connectionsOpened} connections opened` +
      (summary.firstSeconds?.differs === true ? ', first seconds differ' : '') +
      ` → ${summary.meetsTargets ? 'meets the targets' : 'does not'}`,
  )
  runs.push(run)
  if (summary.errors > 0) printServiceWarnings()
}
// Overload: the gateway should shed what the shop cannot take, keep the admitted requests fast, and be back to
// normal, breakers closed, soon after the load falls.
let overload: { during: OverloadFigures; after: OverloadFigures; recovery: Recovery } | undefined
if (values.overload) {
  await settle()
  console.log(`Overload: ${round(offered * 2, 0)} req/s for 20 s, then ${round(offered, 0)} req/s for 30 s ...`)
  const during = await measured(intervalMs / 2, 20_000, true)
  const after = await measured(intervalMs, 30_000, true)
  const texts = await Promise.all(
    serviceNames.map(async (name) =>
      shop === undefined
        ? ''
        : scrape(
            shop.urls[name],
            name === 'gateway' ? `Bearer ${await operator!.tokenFor('gateway')}` : undefined,
          ).catch(() => ''),
    ),
  )
  const circuitsNotClosed = texts
    .flatMap((text) => text.split('\n'))
    .filter((line) => line.startsWith('http_client_circuit_state{') && !line.endsWith(' 0')).length
  const steadyMedian = summarizeRun(runs[0]!.result).perSecondP99?.median ?? 0
  overload = {
    during: overloadFigures(offered * 2, during.result),
    after: overloadFigures(offered, after.result),
    recovery: recoveryOf(after.result, steadyMedian, circuitsNotClosed),
  }
  console.log(
    `  shed ${round(overload.during.shedShare * 100, 1)} %, other errors ${overload.during.otherErrors}, ` +
      `admitted p99 median/max ${overload.during.admittedP99.median}/${overload.during.admittedP99.max} ms; ` +
      `back to normal after ${overload.recovery.seconds ?? 'never (within 30 s)'} s; ` +
      `${circuitsNotClosed} circuits not closed`,
  )
}

// What each endpoint costs: the same users and connections, one endpoint at a time, at a rate every one of them
// meets, so the CPU measured is the endpoint's own and not a queue's. Orders are placed before they are read,
// and the reads of orders are sent by the users who have one.
const endpointCosts: EndpointCost[] = []
if (values['endpoint-costs']) {
  const costRate = Number(values['endpoint-rate'])
  const costMs = Number(values['endpoint-seconds']) * 1000
  for (const endpoint of costedEndpoints) {
    await settle()
    const senders = endpoint === 'order' || endpoint === 'orderDetails' ? virtualUsers.filter(hasOrders) : virtualUsers
    const run = await measured((senders.length * 1000) / costRate, costMs, false, {
      mix: onlyMix(endpoint),
      users: senders,
    })
    const cost = endpointCost(endpoint, run, idle?.msPerSecond)
    endpointCosts.push(cost)
    console.log(
      `  ${endpoint}: ${cost.succeededPerSecond} req/s, p99 ${cost.p99} ms, ${cost.errors} errors, ` +
        `${cost.shopCpuMsPerRequest} ms of shop CPU per request ` +
        `(${cost.marginalShopCpuMsPerRequest ?? 'n/a'} beyond idle)`,
    )
  }
}
const connectionStats = await connections.close()

const report = renderReport({
  machine: machine(),
  transport,
  users,
  intervalMs,
  durationMs,
  newSessions:
    newSessions === undefined
      ? undefined
      : {
          share: newSessions.share,
          accounts: newSessions.logins.accounts,
          shortestRepeatSeconds: newSessions.logins.shortestRepeatSeconds(),
        },
  ceilings,
  connections: { connect: connected, stats: connectionStats },
  warmUp: warm,
  runs,
  sweep,
  endpointCosts,
  idle,
  overload,
  targetGiven: values.target !== undefined,
})
const folder = writeResults('bench', report.json, report.markdown)
for (const [name, svg] of Object.entries(report.charts)) writeFileSync(join(folder, name), svg)
console.log(`\n${report.markdown}\n\nWritten to ${folder}`)

await shop?.stop()
await pg?.close()

// Never a command-line option: other users of the machine can read a process's arguments.
function runningShopAdminPassword(): string | undefined {
  const given = process.env['SEAMS_ADMIN_PASSWORD']
  if (given !== undefined && given !== '') return given
  const file = resolve(process.env['SEAMS_DATA_DIR'] ?? '.seams', 'secrets.json')
  return existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as { adminPassword?: string }).adminPassword
    : undefined
}
