import type { TimelinePoint } from './fault-observer.ts'
import type { DeliveryCounts } from './jepsen-counts.ts'
import type { ScenarioPlan } from './scenario-plan.ts'
import type { SettleResult } from './settle.ts'
import type { ShopDatabases } from './shop-databases.ts'
import type { LoadRecord } from './shop-load.ts'

export interface ScenarioReport {
  /** The fault-suite scenario (F1…), or `invariants` for the invariant scenario's own mix. */
  scenario: string
  counts: DeliveryCounts
  staleReads: string[]
  timeline: TimelinePoint[]
  windows: { fromMs: number; toMs: number; what: string }[]
  faultsEndedAtMs: number
  /** From the end of the last fault until the shop was quiet; null when it never settled. */
  convergenceMs: number | null
  seed: number
  transport: string
  size: ScenarioPlan['size']
  ordersByStatus: Record<string, number>
  /** Why orders ended REJECTED or CANCELLED, by the reason's first words. */
  reasons: Record<string, number>
  /** Finished sagas by type and outcome, e.g. `checkout compensated`. */
  sagas: Record<string, number>
  /**
   * Failed compensation attempts (later retried): as orders' metrics counted them, and as its saga log recorded them.
   */
  compensationRetries: { metrics: number; recorded: number }
  load: LoadRecord['counts'] & { deactivatedCustomers: number }
  faults: string[]
  loadMs: number
  settle: SettleResult
  violations: string[]
}

/** Counts read from orders' database once the run is over. */
export async function summarize(
  dbs: ShopDatabases,
): Promise<Pick<ScenarioReport, 'ordersByStatus' | 'reasons' | 'sagas'> & { recordedCompensationFailures: number }> {
  const statuses = await dbs.db.orders<
    { status: string; n: number }[]
  >`select status, count(*)::int as n from orders group by 1 order by 1`
  const reasons = await dbs.db.orders<{ reason: string; n: number }[]>`
    select status || ' ' || split_part(reason, ':', 1) as reason, count(*)::int as n
    from orders where reason is not null group by 1 order by 2 desc`
  const sagas = await dbs.db.orders<
    { what: string; n: number }[]
  >`select type || ' ' || status as what, count(*)::int as n from seams_sagas group by 1 order by 1`
  const [failed] = await dbs.db.orders<
    { n: number }[]
  >`select count(*)::int as n from seams_saga_steps where direction = 'compensate' and outcome = 'failed'`
  return {
    ordersByStatus: Object.fromEntries(statuses.map((row) => [row.status, row.n])),
    reasons: Object.fromEntries(reasons.map((row) => [row.reason, row.n])),
    sagas: Object.fromEntries(sagas.map((row) => [row.what, row.n])),
    recordedCompensationFailures: failed!.n,
  }
}

const table = (record: Record<string, number>) =>
  Object.entries(record)
    .map(([name, count]) => `${name} ${count}`)
    .join(', ') || 'none'

function deliveryLine({ counts, staleReads, convergenceMs }: ScenarioReport): string {
  const { lost, duplicated } = counts
  return (
    `  delivery: ${counts.attempted} attempted, ${counts.acknowledged} acknowledged ` +
    `(${counts.confirmed} confirmed, ${counts.rejected} rejected, ${counts.cancelled} cancelled); ` +
    `lost ${lost.orders.length} orders, ${lost.events.length} events, ${lost.unrelayed.length} unrelayed, ` +
    `${lost.phantom.length} phantoms; duplicated ${duplicated.reservations.length} reservations, ` +
    `${duplicated.charges.length} charges, ${duplicated.eventsAppliedTwice.length} events; ` +
    `${staleReads.length} stale reads; converged ` +
    (convergenceMs === null ? 'never' : `${convergenceMs} ms after the last fault`)
  )
}

/** The report as the fault suite prints it. */
export function formatReport(report: ScenarioReport): string {
  const shown = report.violations.slice(0, 40)
  return [
    `Invariant scenario, seed ${report.seed} (replay: SEAMS_INVARIANT_SEED=${report.seed}), ` +
      `transport ${report.transport}`,
    `  size: ${report.size.customers} customers, ${report.size.orders} orders, ` +
      `${report.size.products} scarce products, load window ${report.size.loadMs} ms`,
    `  load: ${table(report.load)} (took ${report.loadMs} ms)`,
    `  faults:`,
    ...report.faults.map((line) => `    ${line}`),
    `  orders by final status: ${table(report.ordersByStatus)}`,
    `  reasons: ${table(report.reasons)}`,
    `  sagas: ${table(report.sagas)}`,
    `  compensation retries: ${report.compensationRetries.metrics} in orders' saga_compensation_failures_total, ` +
      `${report.compensationRetries.recorded} in its saga log`,
    deliveryLine(report),
    '  settle: ' +
      (report.settle.settled
        ? `quiet after ${report.settle.ms} ms`
        : `NOT settled after ${report.settle.ms} ms: ${report.settle.state}`),
    report.violations.length === 0
      ? '  invariants: PASS'
      : `  invariants: FAIL, ${report.violations.length} violations` +
        (report.violations.length > shown.length ? ` (first ${shown.length})` : '') +
        `:\n${shown.map((line) => `    ${line}`).join('\n')}`,
  ].join('\n')
}
