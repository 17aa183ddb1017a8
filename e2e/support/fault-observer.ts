import { setTimeout as sleep } from 'node:timers/promises'
import type { ServiceName, TestShop } from '@shop/launcher'
import type { LoadRecord } from './shop-load.ts'

/** One second of the run, as the chart draws it. */
export interface TimelinePoint {
  /** Ms after the load started. */
  atMs: number
  /** Call attempts that ended in that second, and those that got no answer or a 5xx. */
  attempts: number
  failures: number
  /** consumer_lag_events summed over every consumer that answered /metrics; null when none did. */
  lagEvents: number | null
}

export interface Observation {
  timeline: TimelinePoint[]
  /** Reads of order-history that went back behind what the same reader had seen before. */
  staleReads: string[]
}

const consumers: readonly ServiceName[] = ['orders', 'catalog', 'payments', 'order-history']

async function lagOf(test: TestShop): Promise<number | null> {
  let total: number | null = null
  for (const service of consumers) {
    const page = await fetch(`${test.shop.urls[service]}/metrics`, { signal: AbortSignal.timeout(2000) }).then(
      (response) => (response.ok ? response.text() : undefined),
      () => undefined,
    )
    if (page === undefined) continue
    for (const line of page.split('\n'))
      if (line.startsWith('consumer_lag_events{')) total = (total ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1))
  }
  return total
}

// PENDING before the outcome, CANCELLED only after a confirmation: a reader never sees the rank go down.
const rank: Record<string, number> = { PENDING: 0, REJECTED: 1, CONFIRMED: 1, CANCELLED: 2 }

/**
 * Watches the run while it goes: every second the lag of every consumer, and a reader that looks up a few
 * acknowledged orders in order-history, remembering what it saw of each. An entry that disappears once seen,
 * or whose status goes back (CANCELLED to CONFIRMED, an outcome to PENDING), is a stale read.
 */
export function observe(test: TestShop, load: LoadRecord, startedAt: number): { stop(): Promise<Observation> } {
  let running = true
  const lags: { atMs: number; lagEvents: number | null }[] = []
  const staleReads: string[] = []
  const seen = new Map<string, number>()
  let next = 0
  const sampler = (async () => {
    while (running) {
      const tick = Date.now()
      lags.push({ atMs: tick - startedAt, lagEvents: await lagOf(test) })
      await sleep(Math.max(0, 1000 - (Date.now() - tick)))
    }
  })()
  const reader = (async () => {
    while (running) {
      await sleep(200)
      if (load.acknowledged.length === 0) continue
      const { orderId, customerId } = load.acknowledged[next++ % load.acknowledged.length]!
      const read = await test
        .call('order-history', 'GET', `/order-history/${orderId}`, { user: { id: customerId, role: 'customer' } })
        .catch(() => undefined)
      if (read === undefined || read.status >= 500) continue
      const before = seen.get(orderId)
      if (read.status === 404) {
        if (before !== undefined) staleReads.push(`order-history: ${orderId} answered 404 after it was seen`)
        continue
      }
      const now = rank[String(read.body?.status)] ?? 0
      if (before !== undefined && now < before)
        staleReads.push(`order-history: ${orderId} went back to ${String(read.body?.status)}`)
      seen.set(orderId, Math.max(before ?? 0, now))
    }
  })()
  return {
    async stop() {
      running = false
      await Promise.all([sampler, reader])
      const seconds = Math.ceil((Date.now() - startedAt) / 1000)
      const timeline: TimelinePoint[] = Array.from({ length: seconds }, (_, second) => ({
        atMs: second * 1000,
        attempts: 0,
        failures: 0,
        lagEvents: null,
      }))
      for (const attempt of load.attempts) {
        const point = timeline[Math.floor((attempt.at - startedAt) / 1000)]
        if (point === undefined) continue
        point.attempts += 1
        if (!attempt.ok) point.failures += 1
      }
      for (const lag of lags) {
        const point = timeline[Math.floor(lag.atMs / 1000)]
        if (point !== undefined) point.lagEvents = lag.lagEvents
      }
      return { timeline, staleReads }
    },
  }
}
