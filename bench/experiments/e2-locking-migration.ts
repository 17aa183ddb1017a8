import type { Topology } from '@shop/launcher'
import postgres from 'postgres'
import { lineChart } from '../load/charts.ts'
import { failuresByService, p99ByService, underLoad } from './bench-shop.ts'
import type { Experiment, ExperimentContext, ExperimentResult } from './experiment.ts'

/**
 * Catalog's release: a column with a backfill, made the blunt way, in one transaction that holds the table's
 * strongest lock until the backfill is done (`holdSeconds` stands for a large table's rewrite).
 */
const lockingMigration = (holdSeconds: number) => `
  begin;
  lock table products in access exclusive mode;
  alter table products add column weight_grams int;
  update products set weight_grams = 100 + (price_cents % 900);
  select pg_sleep(${holdSeconds});
  commit`

async function release(
  context: ExperimentContext,
  topology: Topology,
  load: { users: number; rate: number; durationMs: number },
  holdSeconds: number,
) {
  return underLoad(context, topology, load, async (shop) => {
    // Catalog's login: its own database in the owned topology, everyone's in the shared one.
    const sql = postgres(shop.test.shop.databaseUrls.catalog, { max: 1, onnotice: () => {} })
    try {
      await sql.unsafe(lockingMigration(holdSeconds))
    } finally {
      await sql.end({ timeout: 5 })
    }
  })
}

const listed = (values: Record<string, number>) =>
  Object.keys(values).length === 0
    ? 'none'
    : Object.entries(values)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, value]) => `${name} ${value}`)
        .join(', ')

export const independentDeployment: Experiment = {
  id: 'E2',
  async run(context): Promise<ExperimentResult> {
    const load = context.quick
      ? { users: 40, rate: 40, durationMs: 6000 }
      : { users: 300, rate: 150, durationMs: 30_000 }
    const holdSeconds = context.quick ? 1 : 5
    context.log(`E2: catalog's migration holds products' strongest lock ${holdSeconds} s under ${load.rate} requests/s`)
    const owned = await release(context, 'owned', load, holdSeconds)
    const shared = await release(context, 'shared', load, holdSeconds)
    const ownedP99 = p99ByService(owned.result)
    const sharedP99 = p99ByService(shared.result)
    const worst = (values: Record<string, number>, except: string) =>
      Math.max(
        0,
        ...Object.entries(values)
          .filter(([name]) => name !== except)
          .map(([, value]) => value),
      )
    return {
      id: 'E2',
      title: 'Independent deployment',
      claim: 'Tight coupling due to shared schema limits independent deployment.',
      figures: [
        { name: 'p99 by service over the run (ms)', owned: listed(ownedP99), shared: listed(sharedP99) },
        {
          name: "worst p99 of the other services' endpoints (ms)",
          owned: worst(ownedP99, 'catalog'),
          shared: worst(sharedP99, 'catalog'),
          note: 'lower is better',
        },
        {
          name: 'failed requests by service',
          owned: listed(failuresByService(owned.result.errors)),
          shared: listed(failuresByService(shared.result.errors)),
        },
      ],
      verdict:
        worst(sharedP99, 'catalog') > worst(ownedP99, 'catalog')
          ? `The claim holds: catalog's locking release stalled the other services to p99 ` +
            `${worst(sharedP99, 'catalog')} ms on the shared database, ${worst(ownedP99, 'catalog')} ms with their own.`
          : `Not shown this run: the other services' worst p99 was ${worst(sharedP99, 'catalog')} ms shared, ` +
            `${worst(ownedP99, 'catalog')} ms owned.`,
      notes: [
        `The lock was held from second ${owned.actionFrom} to ${owned.actionTo} (owned) and ${shared.actionFrom} to ` +
          `${shared.actionTo} (shared).`,
        "The gateway's product cache answers some catalog reads in both topologies; in the owned one, orders' " +
          'checkout saga waits on catalog too, but after the 202, so it shows in settle time rather than in p99.',
      ],
      charts: {
        'e2-p99': lineChart("E2: p99 per second, catalog's lock held mid-run", 's', 'p99 ms', [
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
