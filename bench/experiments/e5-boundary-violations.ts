import { execFile } from 'node:child_process'
import { rm, writeFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'
import { newId } from '@seams/core'
import { startTestShop, type ServiceName, type TestShop, type Topology } from '@shop/launcher'
import postgres from 'postgres'
import { checkInvariants } from '../../e2e/support/invariants.ts'
import { planScenario, type ScenarioPlan } from '../../e2e/support/scenario-plan.ts'
import { waitUntilSettled } from '../../e2e/support/settle.ts'
import { openShopDatabases } from '../../e2e/support/shop-databases.ts'
import { runLoad, type Customer } from '../../e2e/support/shop-load.ts'
import { setUpShop } from '../../e2e/support/shop-setup.ts'
import { readShopState } from '../../e2e/support/shop-state.ts'
import type { Experiment, ExperimentContext, ExperimentResult } from './experiment.ts'
import { barChart } from './charts.ts'
import { readSharedShopState } from './shared-shop-state.ts'

const run = promisify(execFile)
const services: readonly ServiceName[] = ['users', 'catalog', 'payments', 'orders', 'order-history']
const overrides = {
  ...Object.fromEntries(services.map((service) => [service, { DATABASE_POOL_SIZE: '6', LOG_LEVEL: 'warn' }])),
  payments: { DATABASE_POOL_SIZE: '6', LOG_LEVEL: 'warn', PROVIDER_LATENCY_MS: '5', PROVIDER_JITTER_MS: '0' },
}

interface Outcome {
  violations: string[]
  byRule: Record<string, number>
  orders: number
  quickFixWrites: number
  loadMs: number
}

const ruleOf = (violation: string) => /^\[([^\]]+)\]/.exec(violation)?.[1] ?? 'other'
const countByRule = (violations: readonly string[]) =>
  violations.reduce<Record<string, number>>(
    (counts, line) => ({ ...counts, [ruleOf(line)]: (counts[ruleOf(line)] ?? 0) + 1 }),
    {},
  )

/**
 * Payments' "quick fix", as it would be written against a shared schema: once it sees a payment authorized it
 * marks the order CONFIRMED itself, instead of leaving orders' status to orders. It reads, does its own work
 * (15 ms, its provider call), then writes, with payments' own database login, racing orders' cancellations
 * and users' deactivations. It runs here, in the experiment's process, with exactly the credentials the
 * payments process holds: the database cannot tell the two apart, which is the point.
 */
async function quickFix(databaseUrl: string, stopped: () => boolean): Promise<number> {
  const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} })
  let writes = 0
  try {
    while (!stopped()) {
      const seen = await sql<{ id: string }[]>`
        select o.id from orders o join payments p on p.order_id = o.id
        where p.status in ('authorized', 'captured') and o.updated_at > now() - interval '3 seconds'`
      for (const { id } of seen) {
        await sleep(15)
        writes += (
          await sql`update orders set status = 'CONFIRMED' where id = ${id} and status <> 'CONFIRMED' returning id`
        ).length
      }
      await sleep(10)
    }
  } finally {
    await sql.end({ timeout: 5 })
  }
  return writes
}

async function setUpShared(test: TestShop, plan: ScenarioPlan) {
  const admin = { id: newId(), role: 'admin' }
  const products = []
  for (const [index, product] of plan.products.entries()) {
    const body = {
      sku: `E5-${plan.seed}-${index}`,
      name: product.name,
      priceCents: product.priceCents,
      currency: 'EUR',
      stockOnHand: product.stock,
    }
    const created = await test.call('catalog', 'POST', '/products', { user: admin, body })
    if (created.status !== 201) throw new Error(`adding ${product.name} answered ${created.status}`)
    products.push({ id: created.body.id as string, stock: product.stock })
  }
  const customers: Customer[] = []
  for (const index of plan.customers.keys()) {
    const email = `customer-${index}-${plan.seed}@example.com`
    const registered = await test.call('users', 'POST', '/users', {
      body: { email, name: `Customer ${index}`, password: 'a-long-password' },
    })
    if (registered.status !== 201) throw new Error(`registering ${email} answered ${registered.status}`)
    customers.push({ id: registered.body.id as string, email })
  }
  return {
    productIds: products.map((product) => product.id),
    initialStock: new Map(products.map((product) => [product.id, product.stock])),
    customers,
  }
}

async function runTopology(context: ExperimentContext, topology: Topology, plan: ScenarioPlan): Promise<Outcome> {
  const test = await startTestShop(context.adminPgUrl, { topology, services, overrides })
  const dbs = topology === 'owned' ? openShopDatabases(test.shop) : undefined
  const shared =
    topology === 'shared' ? postgres(test.shop.databaseUrls.orders, { max: 4, onnotice: () => {} }) : undefined
  try {
    const fixture = topology === 'owned' ? await setUpShop(test, dbs!, plan) : await setUpShared(test, plan)
    let done = false
    const started = Date.now()
    const fixing = topology === 'shared' ? quickFix(test.shop.databaseUrls.payments, () => done) : Promise.resolve(0)
    const load = await runLoad(test, plan, fixture.customers, fixture.productIds).finally(() => (done = true))
    const quickFixWrites = await fixing
    const loadMs = Date.now() - started
    if (dbs !== undefined) await waitUntilSettled(test, dbs, 60_000, context.log)
    const state = dbs !== undefined ? await readShopState(dbs) : await readSharedShopState(shared!)
    const keysSent = plan.customers.reduce((sum, customer) => sum + customer.orders.length, 0)
    const violations = checkInvariants(state, { initialStock: fixture.initialStock, load, keysSent })
    return { violations, byRule: countByRule(violations), orders: state.orders.length, quickFixWrites, loadMs }
  } finally {
    await dbs?.close()
    await shared?.end({ timeout: 5 })
    await test.close()
  }
}

/** Payments' login tried on orders' database (owned topology): PostgreSQL's own answer. */
async function crossDatabaseLogin(context: ExperimentContext): Promise<string> {
  const test = await startTestShop(context.adminPgUrl, { services: ['orders', 'payments'], overrides })
  try {
    const payments = new URL(test.shop.databaseUrls.payments)
    const orders = new URL(test.shop.databaseUrls.orders)
    payments.pathname = orders.pathname
    const sql = postgres(payments.toString(), { max: 1, onnotice: () => {}, connect_timeout: 5 })
    try {
      await sql`update orders set status = 'CONFIRMED' where false`
      return 'connected (the boundary is open)'
    } catch (error) {
      return `refused: ${(error as Error).message}`
    } finally {
      await sql.end({ timeout: 1 })
    }
  } finally {
    await test.close()
  }
}

const quickFixSource = `// The quick fix, written the only way left in the owned topology: reaching into orders' code.
import { changeOrder } from '../../orders/src/orders/order-store.ts'

export const quickFix = changeOrder
`

/** The same shortcut as code in payments (owned topology): the build's import rule on it. */
async function importRule(): Promise<string> {
  const file = 'services/payments/src/e5-quick-fix.ts'
  await writeFile(file, quickFixSource)
  try {
    await run('npx', ['depcruise', '--config', '.dependency-cruiser.cjs', file])
    return 'passed (the rule let it through)'
  } catch (error) {
    const output = `${(error as { stdout?: string }).stdout ?? ''}`
    const rule = /error (\S+):/.exec(output)?.[1] ?? 'an error'
    return `failed the build: ${rule}`
  } finally {
    await rm(file, { force: true })
  }
}

export const boundaryViolations: Experiment = {
  id: 'E5',
  async run(context): Promise<ExperimentResult> {
    const size = context.quick
      ? { customers: 6, orders: 24, products: 3, loadMs: 3000 }
      : { customers: 16, orders: 96, products: 4, loadMs: 10_000 }
    const plan = { ...planScenario(context.seed, size), faults: [] }
    context.log(`E5: ${size.orders} orders of ${size.customers} customers on ${size.products} scarce products`)
    const owned = await runTopology(context, 'owned', plan)
    context.log(`E5 owned: ${owned.violations.length} violations`)
    const shared = await runTopology(context, 'shared', plan)
    context.log(`E5 shared: ${shared.violations.length} violations, ${shared.quickFixWrites} quick-fix writes`)
    const login = await crossDatabaseLogin(context)
    const rule = await importRule()
    const rules = [...new Set([...Object.keys(owned.byRule), ...Object.keys(shared.byRule)])].sort()
    return {
      id: 'E5',
      title: 'Boundary violations and concurrent writers',
      claim:
        'Hard to enforce service boundaries and data ownership; ' +
        'risk of data corruption due to concurrent writes from multiple services.',
      figures: [
        {
          name: 'invariant violations (e2e/support/invariants.ts)',
          owned: owned.violations.length,
          shared: shared.violations.length,
          note: 'fewer is better',
        },
        { name: "orders written by payments' quick fix", owned: 'cannot be written', shared: shared.quickFixWrites },
        { name: "payments' login on orders' data", owned: login, shared: 'connects: one role for all' },
        { name: 'payments importing orders code', owned: rule, shared: 'no rule: the DAL is shared by design' },
        ...rules.map((name) => ({
          name: `  of which ${name}`,
          owned: owned.byRule[name] ?? 0,
          shared: shared.byRule[name] ?? 0,
        })),
      ],
      verdict:
        shared.violations.length > owned.violations.length
          ? `The seed's claim holds: one shortcut on the shared schema broke ${shared.violations.length} invariants; ` +
            `the owned topology refused the shortcut and had ${owned.violations.length}.`
          : `Not shown this run: the shared topology's quick fix broke ${shared.violations.length} invariants, ` +
            `the owned ${owned.violations.length}.`,
      notes: [
        `The same seeded plan (seed ${context.seed}: orders, repeated keys, cancellations, a deactivation) ran on ` +
          'both; only the shared run had the quick fix racing it.',
        ...shared.violations.slice(0, 5).map((line) => `shared: ${line}`),
        ...owned.violations.slice(0, 5).map((line) => `owned: ${line}`),
      ],
      charts: {
        'e5-violations': barChart('E5: invariant violations after the same load', 'violations', [
          { label: 'owned', value: owned.violations.length },
          { label: 'shared + quick fix', value: shared.violations.length },
        ]),
      },
      raw: { owned, shared },
    }
  },
}
