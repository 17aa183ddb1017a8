import type { FaultPointName } from '@seams/core'
import type { ServiceName } from '@shop/launcher'
import { planScenarioFaults, type ScenarioId } from './fault-scenarios.ts'
import { seededRandom, type SeededRandom } from './seeded-random.ts'

export interface ScenarioSize {
  customers: number
  /** Orders placed in all (repeats of an Idempotency-Key not counted). */
  orders: number
  products: number
  /** About how long customers keep ordering; the faults happen inside this window. */
  loadMs: number
}

export interface ProductPlan {
  name: string
  priceCents: number
  stock: number
}

export interface OrderPlan {
  /** The Idempotency-Key: fixed by the plan, so a replay sends the same keys. */
  key: string
  lines: { product: number; quantity: number }[]
  /** The same key and body again: at once in parallel, or once the customer is done. */
  repeat: 'none' | 'concurrent' | 'later'
  thinkMs: number
  /** After placing this order, cancel this one or an earlier one of the customer's. */
  cancel?: { order: number; afterMs: number }
}

export interface CustomerPlan {
  orders: OrderPlan[]
  /**
   * After placing this order the account is deactivated while the customer's remaining orders go out
   * `gapMs` apart: some reach orders before it learns of the deactivation, some while, some after.
   */
  deactivation?: { after: number; gapMs: number }
}

export interface SimulatorKnobs {
  latencyMs: number
  jitterMs: number
  declineRate: number
  errorRate: number
  hangRate: number
}

/** A connection the fault runner routes through a fault proxy: a service's database, or one service calling another. */
export type ProxiedLink = 'orders-db' | 'catalog-db' | 'payments-db' | 'orders->catalog' | 'orders->payments'

export type Fault =
  | { kind: 'knobs'; knobs: SimulatorKnobs }
  | { kind: 'stop-payments'; downMs: number }
  | { kind: 'restart-catalog' }
  | { kind: 'kill-orders'; downMs: number }
  | { kind: 'kill-order-history'; downMs: number }
  /**
   * SIGKILL of a service, at once or, with `at`, when it next passes one of those fault points (after sparing
   * `afterPasses` passes); a point not reached within `waitMs` falls back to a plain kill.
   */
  | {
      kind: 'kill'
      service: ServiceName
      downMs: number
      at?: { points: FaultPointName[]; afterPasses: number; waitMs: number }
    }
  | { kind: 'kill-postgres'; downMs: number }
  | { kind: 'kill-nats'; downMs: number }
  | { kind: 'network'; link: ProxiedLink; effect: 'latency' | 'blackhole' | 'reset'; latencyMs: number; forMs: number }
  /** Every shop process SIGKILLed at once (services, and the scenario's own PostgreSQL and nats-server). */
  | { kind: 'power-cut'; downMs: number }
  /** The consumer stopped (SIGKILL), its cursor moved back `by` positions (to 0 when larger), started again. */
  | { kind: 'rewind-cursor'; service: ServiceName; by: number }
  /** The service started again with its wall clock `offsetMs` off, and again with the right time after `forMs`. */
  | { kind: 'clock-skew'; service: ServiceName; offsetMs: number; forMs: number }
  /** A transaction in the owner's database that locks `rows` of its table and stays open `forMs`. */
  | { kind: 'long-transaction'; owner: 'orders' | 'catalog'; rows: number; forMs: number }

export interface ScenarioPlan {
  seed: number
  size: ScenarioSize
  products: ProductPlan[]
  customers: CustomerPlan[]
  /** Faults in the order they happen, each at an offset from the start of the load. */
  faults: { atMs: number; fault: Fault }[]
}

export const healthyKnobs: SimulatorKnobs = { latencyMs: 5, jitterMs: 0, declineRate: 0, errorRate: 0, hangRate: 0 }

/**
 * Everything a run will do, decided up front from the seed alone. Without a scenario, the faults are the
 * invariant scenario's mix (planFaults); with one, that scenario's (fault-scenarios.ts), under the same load.
 */
export function planScenario(seed: number, size: ScenarioSize, scenario?: ScenarioId): ScenarioPlan {
  const random = seededRandom(seed)
  const products = planProducts(random.fork('products'), size)
  const perCustomer = (index: number) =>
    Math.floor(size.orders / size.customers) + (index < size.orders % size.customers ? 1 : 0)
  const customers = Array.from({ length: size.customers }, (_, index) =>
    planCustomer(random.fork(`customer-${index}`), index, perCustomer(index), size),
  )
  // At least one deactivation, about one customer in ten, among customers with orders left to try.
  const candidates = random
    .fork('deactivations')
    .shuffle(customers.map((_, index) => index).filter((index) => customers[index]!.orders.length >= 2))
  for (const index of candidates.slice(0, Math.max(1, Math.round(size.customers / 10)))) {
    const customer = customers[index]!
    const draw = random.fork(`deactivate-${index}`)
    customer.deactivation = { after: draw.int(0, Math.max(0, customer.orders.length - 3)), gapMs: draw.int(5, 40) }
  }
  const faults =
    scenario === undefined
      ? planFaults(random.fork('faults'), size.loadMs)
      : planScenarioFaults(scenario, random.fork(`faults-${scenario}`), size.loadMs)
  return { seed, size, products, customers, faults }
}

// Scarce on purpose: about half the units the customers will ask for, so orders compete for stock.
function planProducts(random: SeededRandom, size: ScenarioSize): ProductPlan[] {
  const meanUnits = size.orders * 2.25 * 0.5
  return Array.from({ length: size.products }, (_, index) => ({
    name: `Scarce item ${index + 1}`,
    priceCents: random.int(5, 200) * 25,
    stock: Math.max(2, Math.round((meanUnits / size.products) * (0.5 + random.next()))),
  }))
}

function planCustomer(random: SeededRandom, index: number, count: number, size: ScenarioSize): CustomerPlan {
  const meanThink = size.loadMs / Math.max(1, count)
  const orders = Array.from({ length: count }, (_, n): OrderPlan => {
    const productIndexes = random
      .shuffle(Array.from({ length: size.products }, (_, p) => p))
      .slice(0, random.int(1, Math.min(2, size.products)))
    const roll = random.next()
    return {
      key: `key-c${index}-o${n}`,
      lines: productIndexes.map((product) => ({ product, quantity: random.int(1, 2) })),
      repeat: roll < 0.1 ? 'concurrent' : roll < 0.2 ? 'later' : 'none',
      thinkMs: Math.round(meanThink * (0.2 + random.next() * 0.8)),
      cancel: random.chance(0.25)
        ? { order: random.int(Math.max(0, n - 2), n), afterMs: random.pick([0, 50, 300, 1000, 2000]) }
        : undefined,
    }
  })
  return { orders }
}

export const randomKnobs = (random: SeededRandom): SimulatorKnobs => ({
  latencyMs: random.int(5, 60),
  jitterMs: random.int(0, 20),
  declineRate: random.int(0, 30) / 100,
  errorRate: random.int(0, 25) / 100,
  hangRate: random.int(0, 5) / 100,
})

/**
 * Every kind of process fault once (order-history's crash only for some seeds), and knobs that change
 * a few times, at seeded offsets inside the load window; they may overlap.
 */
function planFaults(random: SeededRandom, loadMs: number): { atMs: number; fault: Fault }[] {
  const faults: Fault[] = [
    { kind: 'stop-payments', downMs: random.int(1500, 4000) },
    { kind: 'restart-catalog' },
    { kind: 'kill-orders', downMs: random.int(300, 2000) },
    { kind: 'knobs', knobs: randomKnobs(random) },
    { kind: 'knobs', knobs: randomKnobs(random) },
  ]
  if (random.chance(0.5)) faults.push({ kind: 'kill-order-history', downMs: random.int(500, 3000) })
  const timed = faults.map((fault) => ({ atMs: Math.round(loadMs * (0.05 + random.next() * 0.75)), fault }))
  return [
    { atMs: 0, fault: { kind: 'knobs', knobs: randomKnobs(random) } as Fault },
    ...timed.sort((a, b) => a.atMs - b.atMs),
  ]
}
