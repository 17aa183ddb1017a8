import { round } from '../support/report.ts'
import type { LoadResult } from './open-loop.ts'

export interface OverloadFigures {
  offered: number
  seconds: number
  sentPerSecond: number
  /** Share of requests the gateway refused at once (503 GATEWAY_OVERLOADED). */
  shedShare: number
  /** Other failures: timeouts, other 5xx, refused connections. */
  otherErrors: number
  /** Per-second p99 of the requests that succeeded: median and worst. */
  admittedP99: { median: number; max: number }
  /** The slowest answer of any kind, ms. */
  maxMs: number
}

export interface Recovery {
  /** Seconds after the overload ended until every later second had no error and a normal p99; undefined: never. */
  seconds: number | undefined
  /** What "a normal p99" was: twice the steady run's median per-second p99, at least 100 ms. */
  p99BoundMs: number
  /** Circuit breakers still open or half-open in any process once the recovery phase was over. */
  circuitsNotClosed: number
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted.length === 0 ? 0 : sorted[Math.floor((sorted.length - 1) / 2)]!
}

export function overloadFigures(offered: number, result: LoadResult): OverloadFigures {
  const shed = result.timeline.reduce((sum, second) => sum + (second.shed ?? 0), 0)
  const errors = result.timeline.reduce((sum, second) => sum + second.errors, 0)
  const okP99s = result.timeline.filter((second) => second.ok > 0).map((second) => second.okP99 ?? 0)
  return {
    offered,
    seconds: round(result.seconds, 1),
    sentPerSecond: round(result.attempted / result.seconds, 0),
    shedShare: result.attempted === 0 ? 0 : round(shed / result.attempted, 4),
    otherErrors: errors - shed,
    admittedP99: { median: round(median(okP99s)), max: round(Math.max(0, ...okP99s)) },
    maxMs: round(result.overall.maxValue / 1000),
  }
}

/** From the recovery phase's timeline: when it was back to normal for good. */
export function recoveryOf(after: LoadResult, steadyMedianP99: number, circuitsNotClosed: number): Recovery {
  const p99BoundMs = Math.max(100, 2 * steadyMedianP99)
  const normal = (index: number) => {
    const second = after.timeline[index]!
    return second.errors === 0 && second.p99 <= p99BoundMs
  }
  let from: number | undefined
  for (let index = after.timeline.length - 1; index >= 0 && normal(index); index -= 1) from = index
  return { seconds: from, p99BoundMs: round(p99BoundMs), circuitsNotClosed }
}
