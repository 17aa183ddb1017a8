import type { Topology } from '@shop/launcher'
import postgres from 'postgres'
import { lineChart } from '../load/charts.ts'
import { failuresByService, p99ByService, underLoad } from './bench-shop.ts'
import type { Experiment, ExperimentContext, ExperimentResult } from './experiment.ts'

// Orders' reporting query: every order line against every other of the same product (a quadratic self-join
// that a sales report over a busy product is), run by orders' own login on its own tables.
const report = `
  select a.product_id, count(*) from order_items a join order_items b on b.product_id = a.product_id
  cross join generate_series(1, 20000) g group by a.product_id`

// Catalog's bulk import: many products in one transaction, with catalog's login.
const bulkImport = (rows: number) => `
  insert into products (id, sku, name, description, price_cents, currency, stock_on_hand)
  select gen_random_uuid(), 'IMPORT-' || g, 'Imported ' || g, repeat('x', 200), 100 + g % 1000, 'EUR', 10
  from generate_series(1, ${rows}) g`

async function noisy(
  context: ExperimentContext,
  topology: Topology,
  load: { users: number; rate: number; durationMs: number },
  rows: number,
) {
  return underLoad(context, topology, load, async (shop) => {
    const orders = postgres(shop.test.shop.databaseUrls.orders, { max: 2, onnotice: () => {} })
    const catalog = postgres(shop.test.shop.databaseUrls.catalog, { max: 1, onnotice: () => {} })
    try {
      await Promise.all([orders.unsafe(report), orders.unsafe(report), catalog.unsafe(bulkImport(rows))])
    } finally {
      await Promise.all([orders.end({ timeout: 5 }), catalog.end({ timeout: 5 })])
    }
  })
}

const listed = (values: Record<string, number>) =>
  Object.entries(values)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name} ${value}`)
    .join(', ') || 'none'

export const noisyNeighbour: Experiment = {
  id: 'E4',
  async run(context): Promise<ExperimentResult> {
    const load = context.quick
      ? { users: 40, rate: 40, durationMs: 6000 }
      : { users: 300, rate: 150, durationMs: 30_000 }
    const rows = context.quick ? 5000 : 200_000
    context.log(`E4: two reports on orders' tables and ${rows} products imported into catalog under load`)
    const owned = await noisy(context, 'owned', load, rows)
    const shared = await noisy(context, 'shared', load, rows)
    const ownedP99 = p99ByService(owned.result)
    const sharedP99 = p99ByService(shared.result)
    const others = (values: Record<string, number>) =>
      Math.max(0, ...['users', 'order-history'].map((service) => values[service] ?? 0))
    return {
      id: 'E4',
      title: 'Noisy neighbour',
      claim: 'Database becomes a single point of failure and performance bottleneck.',
      figures: [
        { name: 'p99 by service over the run (ms)', owned: listed(ownedP99), shared: listed(sharedP99) },
        {
          name: 'worst p99 of users and order-history (ms)',
          owned: others(ownedP99),
          shared: others(sharedP99),
          note: 'neither is the noisy domain; lower is better',
        },
        {
          name: 'failed requests by service (pool exhaustion shows as 503s)',
          owned: listed(failuresByService(owned.result.errors)),
          shared: listed(failuresByService(shared.result.errors)),
        },
      ],
      verdict:
        `The uninvolved services' p99 was ${others(sharedP99)} ms shared and ${others(ownedP99)} ms owned: on one ` +
        'PostgreSQL server a database per service separates tables, locks and pools, not CPU or disk.',
      notes: [
        `The noise ran from second ${owned.actionFrom} to ${owned.actionTo} (owned) and ${shared.actionFrom} to ` +
          `${shared.actionTo} (shared), on the domains' own logins.`,
        'Both topologies run every database on one PostgreSQL server here; isolating CPU takes a server per ' +
          'service, which this run does not have.',
      ],
      charts: {
        'e4-p99': lineChart('E4: p99 per second, report and import mid-run', 's', 'p99 ms', [
          { name: 'owned', points: owned.result.timeline.map((second) => [second.second, second.p99] as const) },
          { name: 'shared', points: shared.result.timeline.map((second) => [second.second, second.p99] as const) },
        ]),
      },
      raw: {
        owned: { p99: ownedP99, errors: owned.result.errors },
        shared: { p99: sharedP99, errors: shared.result.errors },
      },
    }
  },
}
