import { adminDatabaseUrl } from '@seams/testing'
import { describe, expect, it } from 'vitest'
import { formatReport, runInvariantScenario, type ScenarioReport } from './support/invariant-scenario.ts'
import { rowOf, tableOf } from './support/jepsen-report.ts'

// A short version of the fault suite's F1 (`npm run faults -- --scenario F1`), small enough for `npm test`.
// F2's short version waits for a fix: `npm run faults -- --scenario F2` hangs after the PostgreSQL kill.
// SEAMS_INVARIANT_SEED=<n> replays a seed.
const size = { customers: 10, orders: 50, products: 3, loadMs: 12_000 }

function expectNothingLostOrDoubled(report: ScenarioReport): void {
  console.log(formatReport(report))
  const row = rowOf(report, report.scenario, `SEAMS_INVARIANT_SEED=${report.seed}`)
  console.log(tableOf([row]))
  const replay = `${report.scenario} seed ${report.seed}: replay with SEAMS_INVARIANT_SEED=${report.seed}`
  expect(report.counts.lost, replay).toEqual({ orders: [], events: [], unrelayed: [], phantom: [] })
  expect(report.counts.duplicated, replay).toEqual({ reservations: [], charges: [], eventsAppliedTwice: [] })
  expect(report.violations.slice(0, 10), replay).toEqual([])
  // A run where nothing was acknowledged or nothing ended would prove nothing.
  expect(report.counts.acknowledged, replay).toBeGreaterThan(0)
  expect(report.counts.confirmed + report.counts.rejected + report.counts.cancelled, replay).toBe(
    report.counts.acknowledged,
  )
}

describe('the fault suite, short', () => {
  it('F1: each service SIGKILLed in turn, some at delivery and saga fault points: none lost or doubled', async () => {
    const report = await runInvariantScenario({
      adminPgUrl: adminDatabaseUrl(),
      scenario: 'F1',
      size,
      settleTimeoutMs: 30_000,
      log: () => {},
    })
    expectNothingLostOrDoubled(report)
    for (const service of ['users', 'catalog', 'payments', 'orders', 'order-history'])
      expect(
        report.faults.some((line) => line.includes(`${service} started again`)),
        `${service} killed and started again`,
      ).toBe(true)
  }, 120_000)
})
