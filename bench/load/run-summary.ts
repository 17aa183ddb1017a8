import type { LoadResult } from './recorder.ts'
import type { FirstSeconds, Spread } from './steadiness.ts'

/** The targets every `--runs` run must meet: the seed's p99 and not a single failed request. */
export const targets = { p99Ms: 300, errors: 0 }

export interface RunSummary {
  p99: number
  perSecondP99: Spread | undefined
  firstSeconds: FirstSeconds | undefined
  /** Failed requests, logins included. */
  errors: number
  errorRate: number
  meetsTargets: boolean
}

/** A run in the figures the runs table and the sweep show; `p99` is the steady mix's, in ms. */
export function summarizeRun(
  result: Pick<LoadResult, 'overall' | 'errors' | 'attempted' | 'perSecondP99' | 'firstSeconds' | 'logins'>,
): RunSummary {
  const p99 = result.overall.getValueAtPercentile(99) / 1000
  const errors = Object.values(result.errors).reduce((sum, count) => sum + count, 0)
  const attempted = result.attempted + (result.logins?.attempted ?? 0)
  return {
    p99,
    perSecondP99: result.perSecondP99,
    firstSeconds: result.firstSeconds,
    errors,
    errorRate: attempted === 0 ? 0 : errors / attempted,
    meetsTargets: attempted > 0 && p99 < targets.p99Ms && errors <= targets.errors,
  }
}
