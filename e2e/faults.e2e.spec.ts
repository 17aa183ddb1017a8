import { chmod, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '@seams/process-runner'
import { startEmbeddedPostgres } from '@seams/provisioning'
import { adminDatabaseUrl } from '@seams/testing'
import { describe, expect, it } from 'vitest'
import { formatReport, runInvariantScenario, type ScenarioReport } from './support/invariant-scenario.ts'
import { rowOf, tableOf } from './support/jepsen-report.ts'

// Short versions of the fault suite's F1 and F2 (`npm run faults -- --scenario F1`), small enough for `npm test`.
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

  it('F2: kill -9 of its own PostgreSQL postmaster, restarted mid-load: nothing lost or doubled', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'seams-f2-pg-'))
    // As root the server runs as the postgres user, who must be able to reach the data folder.
    await chmod(folder, 0o755)
    const postgres = await startEmbeddedPostgres({ dataDir: join(folder, 'pg'), port: await freePort() })
    try {
      const report = await runInvariantScenario({
        adminPgUrl: postgres.adminUrl,
        postgres,
        scenario: 'F2',
        size,
        settleTimeoutMs: 30_000,
        log: () => {},
      })
      expectNothingLostOrDoubled(report)
      expect(report.faults.filter((line) => line.includes('PostgreSQL up again'))).toHaveLength(2)
    } finally {
      await postgres.stop()
      await rm(folder, { recursive: true, force: true })
    }
  }, 120_000)
})
