import { setTimeout as sleep } from 'node:timers/promises'
import type { RunningPostgres } from '@seams/provisioning'
import type { FaultProxy, PrivateNatsServer } from '@seams/testing'
import { clockSkewEnvironment, faultPointEnvironment } from '@seams/testing'
import type { ServiceName, TestShop } from '@shop/launcher'
import postgres from 'postgres'
import { healthyKnobs, type Fault, type ProxiedLink, type ScenarioPlan, type SimulatorKnobs } from './scenario-plan.ts'

export interface FaultLog {
  /** What was done, when (ms after the load started). */
  applied: string[]
  /** When each fault acted, for the charts: from and to, in ms after the load started. */
  windows: { fromMs: number; toMs: number; what: string }[]
  /** When the last fault was over (ms after the load started): convergence is counted from here. */
  endedAtMs: number
  /**
   * saga_compensation_failures_total as orders reported it: its counter restarts with the process, so
   * it is read just before each kill and at the end, and the readings are added up.
   */
  compensationFailuresSeen: number
  /** Service processes that exited when no fault meant them to (each was started again, and is a finding). */
  unplannedExits: string[]
}

/** What the runner may act on besides the shop's processes. */
export interface FaultTargets {
  transport: 'http-feed' | 'jetstream'
  /** The run's own PostgreSQL, when the scenario kills it. */
  postgres?: RunningPostgres
  /** The run's own nats-server (jetstream). */
  nats?: PrivateNatsServer
  proxies: Partial<Record<ProxiedLink, FaultProxy>>
  /** Variables each (re)start of a service needs, e.g. URLs through the fault proxies. */
  envFor(service: ServiceName): Record<string, string>
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

export interface FaultRun {
  log: FaultLog
  /** Resolves when every planned fault is over. */
  done: Promise<void>
  /** Stops watching the processes (call once the run's checks are over). */
  stopWatching(): void
}

/** Runs the plan's faults, each at its offset from `startedAt`; they may overlap. */
export function runFaults(
  test: TestShop,
  plan: ScenarioPlan,
  startedAt: number,
  targets: FaultTargets,
  services: readonly ServiceName[],
): FaultRun {
  const log: FaultLog = { applied: [], windows: [], endedAtMs: 0, compensationFailuresSeen: 0, unplannedExits: [] }
  // Payments forgets its knobs when it restarts; the runner remembers them to set them again.
  let knobs: SimulatorKnobs = healthyKnobs
  const elapsed = () => Date.now() - startedAt
  const note = (text: string) => {
    log.applied.push(`${String(elapsed()).padStart(6)} ms  ${text}`)
  }
  const window = async (what: string, work: () => Promise<void>) => {
    const fromMs = elapsed()
    try {
      await work()
    } finally {
      log.windows.push({ fromMs, toMs: elapsed(), what })
      log.endedAtMs = Math.max(log.endedAtMs, elapsed())
    }
  }

  // Variables a fault gave a service for the rest of the run (a skewed clock), kept by every later start.
  const lasting = new Map<ServiceName, Record<string, string>>()
  const envFor = (service: ServiceName) => ({ ...targets.envFor(service), ...lasting.get(service) })

  // A process that exits while no fault means it to is a finding: noted, and started again so the run goes on.
  const meant = new Set<ServiceName>()
  let watching = true
  let infrastructureDown = 0
  const watch = (service: ServiceName) => {
    const handle = test.shop.process(service)
    void handle?.exited.then(async (how) => {
      if (!watching || meant.has(service) || test.shop.process(service) !== handle) return
      log.unplannedExits.push(`${service} exited (${how}) at ${elapsed()} ms`)
      note(`UNPLANNED: ${service} exited (${how}); starting it again`)
      while (infrastructureDown > 0) await sleep(200)
      await start(service)
    })
  }
  const start = async (service: ServiceName, extra: Record<string, string> = {}) => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await test.shop.start(service, { ...envFor(service), ...extra })
        break
      } catch (error) {
        // A start during another fault (its database just restarting) may fail its readiness wait.
        if (attempt >= 5) throw error
        await sleep(1000)
      }
    }
    watch(service)
  }
  for (const service of services) watch(service)

  let paymentsDown = false
  async function setKnobs(next: SimulatorKnobs): Promise<void> {
    knobs = next
    if (paymentsDown) return // set when it is started again
    const result = await test.call('payments', 'PUT', '/simulator', { as: 'operator', body: next })
    if (result.status !== 200)
      throw new Error(`PUT /simulator answered ${result.status}: ${JSON.stringify(result.body)}`)
  }

  async function restartAfter(service: ServiceName, downMs: number): Promise<void> {
    await sleep(downMs)
    await start(service)
    meant.delete(service)
    if (service === 'payments') {
      paymentsDown = false
      await setKnobs(knobs)
    }
  }

  async function kill(service: ServiceName, fault: Extract<Fault, { kind: 'kill' }>): Promise<void> {
    if (service === 'orders') log.compensationFailuresSeen += await compensationFailures(test)
    meant.add(service)
    if (service === 'payments') paymentsDown = true
    // relay.published is passed on JetStream only: the HTTP feed's stamp is its publication.
    const points = (fault.at?.points ?? []).filter(
      (point) => targets.transport === 'jetstream' || point !== 'relay.published',
    )
    if (fault.at !== undefined && points.length > 0) {
      await test.shop.stop(service)
      if (service === 'payments') paymentsDown = false
      // An armed point may be passed before the service is ready (a consumer applying its first batch): the
      // service then dies while starting, which is the fault this was, not a failure to run the scenario.
      let armed: { exited: Promise<number | string>; output(): string } | undefined
      let diedStarting: string | undefined
      try {
        armed = await test.shop.start(service, {
          ...envFor(service),
          ...faultPointEnvironment({ killAt: points, afterPasses: fault.at.afterPasses }),
        })
      } catch (error) {
        const message = String((error as Error).message)
        if (!message.includes('fault injection: SIGKILL')) throw error
        diedStarting = message
      }
      if (service === 'payments' && diedStarting === undefined) await setKnobs(knobs)
      note(`${service} armed to die at ${points.join(' or ')} after ${fault.at.afterPasses} passes`)
      const how =
        armed === undefined
          ? 'SIGKILL while starting'
          : await Promise.race([armed.exited, sleep(fault.at.waitMs).then(() => undefined)])
      if (how === undefined) {
        if (service === 'orders') log.compensationFailuresSeen += await compensationFailures(test)
        await test.shop.kill(service)
        note(`${service}: no armed point within ${fault.at.waitMs} ms; SIGKILLed, down for ${fault.downMs} ms`)
      } else {
        const line = (armed?.output() ?? diedStarting ?? '')
          .split('\n')
          .reverse()
          .find((text) => text.includes('fault injection: SIGKILL'))
        const point = /"faultPoint":"([^"]+)"/.exec(line ?? '')?.[1] ?? '?'
        note(`${service} died (${how}) at fault point ${point}; down for ${fault.downMs} ms`)
      }
    } else {
      await test.shop.kill(service)
      note(`${service} SIGKILLed, down for ${fault.downMs} ms`)
    }
    if (service === 'payments') paymentsDown = true
    await restartAfter(service, fault.downMs)
    note(`${service} started again`)
  }

  async function powerCut(downMs: number): Promise<void> {
    log.compensationFailuresSeen += await compensationFailures(test)
    for (const service of services) meant.add(service)
    paymentsDown = true
    infrastructureDown += 1
    await Promise.all([
      ...services.map((service) => test.shop.kill(service)),
      targets.nats?.kill(),
      targets.postgres?.kill(),
    ])
    note(
      `power cut: ${services.join(', ')}` +
        `${targets.postgres === undefined ? '' : ', PostgreSQL'}${targets.nats === undefined ? '' : ', nats-server'} ` +
        `SIGKILLed; down for ${downMs} ms`,
    )
    await sleep(downMs)
    await targets.postgres?.restart()
    await targets.nats?.restart()
    infrastructureDown -= 1
    note('PostgreSQL and nats-server up again; starting every service at once')
    await Promise.all(services.map((service) => start(service)))
    for (const service of services) meant.delete(service)
    paymentsDown = false
    await setKnobs(knobs)
    note('every service started again')
  }

  async function longTransaction(fault: Extract<Fault, { kind: 'long-transaction' }>): Promise<void> {
    const sql = postgres(test.shop.databaseUrls[fault.owner], { max: 1, onnotice: () => {} })
    try {
      await sql.begin(async (tx) => {
        // The newest orders are the ones whose sagas are running; products are what every reservation updates.
        const rows =
          fault.owner === 'orders'
            ? await tx`select id from orders order by created_at desc limit ${fault.rows} for update`
            : await tx`select id from products order by id limit ${fault.rows} for update`
        note(`${fault.owner}: a transaction holds ${rows.length} rows for ${fault.forMs} ms`)
        await tx`select pg_sleep(${fault.forMs / 1000})`
      })
      note(`${fault.owner}: the long transaction committed`)
    } catch (error) {
      note(`${fault.owner}: the long transaction failed: ${(error as Error).message}`)
    } finally {
      await sql.end({ timeout: 5 })
    }
  }

  async function rewind(service: ServiceName, by: number): Promise<void> {
    if (service === 'gateway') return
    meant.add(service)
    if (service === 'payments') paymentsDown = true
    await test.shop.kill(service)
    const sql = postgres(test.shop.databaseUrls[service], { max: 1, onnotice: () => {} })
    try {
      const rows = await sql<{ consumer: string; position: string }[]>`
        update seams_consumer_cursors set position = greatest(0, position - ${by})
        returning consumer, position::text`
      note(
        `${service} SIGKILLed; cursors moved back ${by >= 1e9 ? 'to 0' : `by ${by}`}: ` +
          rows.map((row) => `${row.consumer}@${row.position}`).join(', '),
      )
    } finally {
      await sql.end({ timeout: 5 })
    }
    await restartAfter(service, 0)
    note(`${service} started again`)
  }

  async function apply(fault: Fault): Promise<void> {
    switch (fault.kind) {
      case 'knobs':
        await setKnobs(fault.knobs)
        return note(`payments simulator ${JSON.stringify(fault.knobs)}`)
      case 'stop-payments':
        note(`payments stopped for ${fault.downMs} ms`)
        meant.add('payments')
        paymentsDown = true
        await test.shop.stop('payments')
        await restartAfter('payments', fault.downMs)
        return note('payments started again')
      case 'restart-catalog':
        note('catalog restarting')
        meant.add('catalog')
        await test.shop.stop('catalog')
        await start('catalog')
        meant.delete('catalog')
        return note('catalog started again')
      case 'kill-orders':
      case 'kill-order-history': {
        const service = fault.kind === 'kill-orders' ? 'orders' : 'order-history'
        return kill(service, { kind: 'kill', service, downMs: fault.downMs })
      }
      case 'kill':
        return kill(fault.service, fault)
      case 'kill-postgres': {
        const server = targets.postgres
        if (server === undefined) throw new Error('kill-postgres needs the run’s own PostgreSQL')
        infrastructureDown += 1
        await server.kill()
        note(`PostgreSQL postmaster SIGKILLed; restarting in ${fault.downMs} ms`)
        await sleep(fault.downMs)
        await server.restart()
        infrastructureDown -= 1
        return note('PostgreSQL up again (crash recovery done)')
      }
      case 'kill-nats': {
        const server = targets.nats
        if (server === undefined) return note('kill-nats: no nats-server in this run (http-feed); nothing done')
        await server.kill()
        note(`nats-server SIGKILLed; restarting in ${fault.downMs} ms`)
        await sleep(fault.downMs)
        await server.restart()
        return note('nats-server up again')
      }
      case 'network': {
        const proxy = targets.proxies[fault.link]
        if (proxy === undefined) throw new Error(`no fault proxy on ${fault.link}`)
        if (fault.effect === 'latency') proxy.delay(fault.latencyMs)
        else if (fault.effect === 'blackhole') proxy.blackhole()
        else proxy.reset()
        note(
          `${fault.link}: ${fault.effect === 'latency' ? `+${fault.latencyMs} ms latency` : fault.effect} ` +
            `for ${fault.forMs} ms`,
        )
        await sleep(fault.forMs)
        proxy.heal()
        return note(`${fault.link}: healed`)
      }
      case 'power-cut':
        return powerCut(fault.downMs)
      case 'rewind-cursor':
        return rewind(fault.service, fault.by)
      case 'long-transaction':
        return longTransaction(fault)
      case 'clock-skew': {
        meant.add(fault.service)
        if (fault.service === 'payments') paymentsDown = true
        lasting.set(fault.service, clockSkewEnvironment(fault.offsetMs))
        await test.shop.stop(fault.service)
        await restartAfter(fault.service, 0)
        note(`${fault.service} started again with its clock ${fault.offsetMs / 1000} s off`)
        await sleep(fault.forMs)
        meant.add(fault.service)
        if (fault.service === 'payments') paymentsDown = true
        lasting.delete(fault.service)
        await test.shop.stop(fault.service)
        await restartAfter(fault.service, 0)
        return note(`${fault.service} started again with the right time`)
      }
    }
  }

  // Each fault starts at its offset, whether or not the one before is over: a catalog restart during
  // a payments outage is what makes compensations fail and retry.
  const done = Promise.all(
    plan.faults.map(async ({ atMs, fault }) => {
      await sleep(Math.max(0, startedAt + atMs - Date.now()))
      if (fault.kind === 'knobs') await apply(fault)
      else await window(fault.kind, () => apply(fault))
    }),
  ).then(() => {})
  return {
    log,
    done,
    stopWatching() {
      watching = false
    },
  }
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
