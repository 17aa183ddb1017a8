import { adminDatabaseUrl } from '@seams/testing'
import { describe, expect, it } from 'vitest'
import { formatReport, runInvariantScenario } from './support/invariant-scenario.ts'

// FR3 in `npm test`: a moderate seeded run, sized to stay around a minute on two cores. The fault
// suite (`npm run faults`) runs the same scenario bigger. SEAMS_INVARIANT_SEED=<n> replays a seed.
describe('consistency across services under concurrent load and faults (FR3)', () => {
  it('keeps stock, money, orders and the history view in agreement', async () => {
    const report = await runInvariantScenario({
      adminPgUrl: adminDatabaseUrl(),
      size: { customers: 24, orders: 140, products: 4, loadMs: 20_000 },
      settleTimeoutMs: 45_000,
    })
    console.log(formatReport(report))
    const replay = `seed ${report.seed}: replay with SEAMS_INVARIANT_SEED=${report.seed}`
    // The report above lists every violation; the assertion shows the first few.
    expect(report.violations.slice(0, 10), replay).toEqual([])
    // A run that never confirmed, rejected or cancelled anything would prove nothing.
    for (const status of ['CONFIRMED', 'REJECTED', 'CANCELLED'])
      expect(report.ordersByStatus[status] ?? 0, `${status} orders, ${replay}`).toBeGreaterThan(0)
    expect(report.load.deactivatedCustomers, replay).toBeGreaterThan(0)
  }, 170_000)
})
