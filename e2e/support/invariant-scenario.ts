import { startTestShop, type ServiceName } from '@shop/launcher'
import { finishFaultLog, restoreHealth, runFaults } from './fault-runner.ts'
import { checkInvariants } from './invariants.ts'
import { planScenario, type ScenarioSize } from './scenario-plan.ts'
import { formatReport, summarize, type ScenarioReport } from './scenario-report.ts'
import { chooseSeed } from './seeded-random.ts'
import { waitUntilSettled } from './settle.ts'
import { openShopDatabases } from './shop-databases.ts'
import { runLoad } from './shop-load.ts'
import { setUpShop } from './shop-setup.ts'
import { readShopState } from './shop-state.ts'

export { formatReport, type ScenarioReport, type ScenarioSize }

export interface ScenarioOptions {
  /** Administrator URL of the PostgreSQL that gets the shop's databases. */
  adminPgUrl: string
  size: ScenarioSize
  /** @default SEAMS_INVARIANT_SEED, else a random one */
  seed?: number
  /** @default 'http-feed' */
  transport?: 'http-feed' | 'jetstream'
  /** NATS for the jetstream transport; streams are named per producer, so give each shop its own server. */
  natsUrl?: string
  /**
   * Longest wait for the shop to settle after the faults.
   * @default 60000
   */
  settleTimeoutMs?: number
  /**
   * Keeps the databases of a run that violated an invariant (processes are stopped) and logs their URLs,
   * so that what happened can be read afterwards; drop them by hand.
   * @default false
   */
  keepFailedDatabases?: boolean
  /** Progress lines (the seed first). @default console.log */
  log?: (line: string) => void
}

// The gateway adds nothing to these invariants and costs a process on two cores: orders is called the
// way the gateway calls it, with a service token acting for the customer.
const services: readonly ServiceName[] = ['users', 'catalog', 'payments', 'orders', 'order-history']

// Each relay and consumer holds a pooled connection for its leader lock (orders: four), and the load
// needs room beyond them: pools sized per service rather than the test shop's small default.
const poolSizes = { users: 4, catalog: 6, payments: 6, orders: 10, 'order-history': 8 }
const overrides = Object.fromEntries(
  Object.entries(poolSizes).map(([service, size]) => [service, { DATABASE_POOL_SIZE: String(size) }]),
)

/**
 * FR3's proof: a seeded run of the whole shop (real processes, one database each) where many customers
 * order scarce products concurrently, repeat Idempotency-Keys, cancel, and one account is deactivated,
 * while payments declines, fails, hangs and stops, catalog restarts and orders is SIGKILLed. Once the
 * shop has settled, every invariant is checked in the owners' own databases. The seed fixes the plan
 * (who orders what, which faults, when); the interleaving is the machine's, so a replay repeats the
 * plan, not every timing.
 */
export async function runInvariantScenario(options: ScenarioOptions): Promise<ScenarioReport> {
  const log = options.log ?? console.log
  const seed = chooseSeed(options.seed)
  const transport = options.transport ?? 'http-feed'
  log(`invariant scenario: seed ${seed} (replay with SEAMS_INVARIANT_SEED=${seed}), transport ${transport}`)
  const plan = planScenario(seed, options.size)
  const test = await startTestShop(options.adminPgUrl, { services, transport, natsUrl: options.natsUrl, overrides })
  const dbs = openShopDatabases(test.shop)
  let keep = false
  try {
    const fixture = await setUpShop(test, dbs, plan)
    log(
      `set up ${fixture.productIds.length} products ` +
        `(stock ${plan.products.map((product) => product.stock).join(', ')}) ` +
        `and ${fixture.customers.length} customers; load starts`,
    )
    const startedAt = Date.now()
    const [load, faults] = await Promise.all([
      runLoad(test, plan, fixture.customers, fixture.productIds).then((record) => ({
        record,
        ms: Date.now() - startedAt,
      })),
      runFaults(test, plan, startedAt),
    ])
    await restoreHealth(test, faults, startedAt)
    log(`load done in ${load.ms} ms; waiting for the shop to settle`)
    const settle = await waitUntilSettled(test, dbs, options.settleTimeoutMs ?? 60_000, log)
    await finishFaultLog(test, faults)
    const state = await readShopState(dbs)
    const keysSent = plan.customers.reduce((sum, customer) => sum + customer.orders.length, 0)
    const violations = [
      ...(settle.settled ? [] : [`[settle] the shop did not settle within ${settle.ms} ms: ${settle.state}`]),
      ...checkInvariants(state, { initialStock: fixture.initialStock, load: load.record, keysSent }),
    ]
    const summary = await summarize(dbs)
    keep = options.keepFailedDatabases === true && violations.length > 0
    return {
      seed,
      transport,
      size: plan.size,
      ordersByStatus: summary.ordersByStatus,
      reasons: summary.reasons,
      sagas: summary.sagas,
      compensationRetries: { metrics: faults.compensationFailuresSeen, recorded: summary.recordedCompensationFailures },
      load: { ...load.record.counts, deactivatedCustomers: load.record.deactivated.length },
      faults: faults.applied,
      loadMs: load.ms,
      settle,
      violations,
    }
  } catch (error) {
    throw new Error(
      `invariant scenario with seed ${seed} failed to run (replay with SEAMS_INVARIANT_SEED=${seed}): ` +
        `${(error as Error).message}`,
      { cause: error },
    )
  } finally {
    await dbs.close()
    if (!keep) await test.close()
    else {
      await test.shop.stop()
      log(
        `kept the databases: ${Object.entries(test.shop.databaseUrls)
          .map(([owner, url]) => `${owner} ${url}`)
          .join(', ')}`,
      )
    }
  }
}
