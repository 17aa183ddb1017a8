import { setTimeout as sleep } from 'node:timers/promises'
import type { TestShop } from '@shop/launcher'
import { healthyKnobs, type Fault, type ScenarioPlan, type SimulatorKnobs } from './scenario-plan.ts'

export interface FaultLog {
  /** What was done, when (ms after the load started). */
  applied: string[]
  /**
   * saga_compensation_failures_total as orders reported it: its counter restarts with the process, so
   * it is read just before each kill and at the end, and the readings are added up.
   */
  compensationFailuresSeen: number
}

/** Sum of one counter over its labels, from a Prometheus text page; 0 when the service does not answer. */
export async function scrapeCounter(baseUrl: string, name: string): Promise<number> {
  const page = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(5000) })
    .then((response) => response.text())
    .catch(() => '')
  return page
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0)
}

const compensationFailures = (test: TestShop) =>
  scrapeCounter(test.shop.urls.orders, 'saga_compensation_failures_total')

/** Runs the plan's faults, each at its offset from `startedAt`; they may overlap. */
export async function runFaults(test: TestShop, plan: ScenarioPlan, startedAt: number): Promise<FaultLog> {
  const log: FaultLog = { applied: [], compensationFailuresSeen: 0 }
  // Payments forgets its knobs when it restarts; the runner remembers them to set them again.
  let knobs: SimulatorKnobs = healthyKnobs
  const note = (text: string) => {
    log.applied.push(`${String(Date.now() - startedAt).padStart(6)} ms  ${text}`)
  }

  let paymentsDown = false

  async function setKnobs(next: SimulatorKnobs): Promise<void> {
    knobs = next
    if (paymentsDown) return // set when it is started again
    const result = await test.call('payments', 'PUT', '/simulator', { as: 'operator', body: next })
    if (result.status !== 200)
      throw new Error(`PUT /simulator answered ${result.status}: ${JSON.stringify(result.body)}`)
  }

  async function apply(fault: Fault): Promise<void> {
    switch (fault.kind) {
      case 'knobs':
        await setKnobs(fault.knobs)
        return note(`payments simulator ${JSON.stringify(fault.knobs)}`)
      case 'stop-payments':
        note(`payments stopped for ${fault.downMs} ms`)
        paymentsDown = true
        await test.shop.stop('payments')
        await sleep(fault.downMs)
        await test.shop.start('payments')
        paymentsDown = false
        await setKnobs(knobs)
        return note('payments started again')
      case 'restart-catalog':
        note('catalog restarting')
        await test.shop.stop('catalog')
        await test.shop.start('catalog')
        return note('catalog started again')
      case 'kill-orders':
        log.compensationFailuresSeen += await compensationFailures(test)
        note(`orders SIGKILLed, down for ${fault.downMs} ms`)
        await test.shop.kill('orders')
        await sleep(fault.downMs)
        await test.shop.start('orders')
        return note('orders started again')
      case 'kill-order-history':
        note(`order-history SIGKILLed, down for ${fault.downMs} ms`)
        await test.shop.kill('order-history')
        await sleep(fault.downMs)
        await test.shop.start('order-history')
        return note('order-history started again')
    }
  }

  // Each fault starts at its offset, whether or not the one before is over: a catalog restart during
  // a payments outage is what makes compensations fail and retry.
  await Promise.all(
    plan.faults.map(async ({ atMs, fault }) => {
      await sleep(Math.max(0, startedAt + atMs - Date.now()))
      await apply(fault)
    }),
  )
  return log
}

/** The healthy shop the settle phase waits on: a provider that neither fails nor hangs. */
export async function restoreHealth(test: TestShop, log: FaultLog, startedAt: number): Promise<void> {
  const result = await test.call('payments', 'PUT', '/simulator', { as: 'operator', body: healthyKnobs })
  if (result.status !== 200) throw new Error(`PUT /simulator answered ${result.status}`)
  log.applied.push(`${String(Date.now() - startedAt).padStart(6)} ms  healthy knobs restored; settling`)
}

/** The final reading of the compensation-failure counter, added to those taken before each kill. */
export async function finishFaultLog(test: TestShop, log: FaultLog): Promise<void> {
  log.compensationFailuresSeen += await compensationFailures(test)
}
