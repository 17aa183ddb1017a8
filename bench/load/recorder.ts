import { build, type Histogram } from 'hdr-histogram-js'
import { firstSecondsOf, spreadOf, type FirstSeconds, type Spread } from './steadiness.ts'

export interface SecondFigures {
  second: number
  sent: number
  ok: number
  errors: number
  /** Refused by the gateway's admission limit (503 GATEWAY_OVERLOADED), counted in `errors` too. */
  shed?: number
  p50: number
  p99: number
  /** The p99 of the requests that succeeded: what admitted clients saw. */
  okP99?: number
}

export interface LoadResult {
  /** The steady mix only; logins (`--new-sessions`) are counted in `logins`. */
  attempted: number
  succeeded: number
  /** Failures by `<endpoint> <status or error code>`, logins included. */
  errors: Record<string, number>
  seconds: number
  /** Latency of the steady mix, in µs from each request's due time. */
  overall: Histogram
  /** Per endpoint; `login` is there when the run had new sessions. */
  byEndpoint: Record<string, Histogram>
  /** Per second of the run, each request counted in the second it was due. */
  timeline: SecondFigures[]
  perSecondP99: Spread | undefined
  firstSeconds: FirstSeconds | undefined
  logins: { attempted: number; succeeded: number } | undefined
}

export const histogram = () =>
  build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 })

const firstSecondsCount = 3

/** Collects a run's outcomes: whole-run and per-endpoint histograms, and one per second of due time. */
export function createRecorder(endpoints: readonly string[]) {
  const overall = histogram()
  const byEndpoint: Record<string, Histogram> = Object.fromEntries(endpoints.map((endpoint) => [endpoint, histogram()]))
  const head = histogram()
  const seconds: {
    histogram: Histogram
    okHistogram: Histogram
    sent: number
    ok: number
    errors: number
    shed: number
  }[] = []
  const errors: Record<string, number> = {}
  const logins = { attempted: 0, succeeded: 0 }
  let attempted = 0
  let succeeded = 0
  // What completed since the last tick, for progress lines while the run goes on.
  let live = histogram()
  let liveFigures = { sent: 0, ok: 0, errors: 0 }

  return {
    sent(endpoint: string) {
      if (endpoint === 'login') logins.attempted += 1
      else attempted += 1
      liveFigures.sent += 1
    },
    /** `dueMs` is the request's due time from the run's start. */
    answered(endpoint: string, outcome: string, dueMs: number, micros: number) {
      ;(byEndpoint[endpoint] ??= histogram()).recordValue(micros)
      live.recordValue(micros)
      const ok = outcome === 'ok'
      if (ok) liveFigures.ok += 1
      else {
        liveFigures.errors += 1
        errors[`${endpoint} ${outcome}`] = (errors[`${endpoint} ${outcome}`] ?? 0) + 1
      }
      if (endpoint === 'login') {
        if (ok) logins.succeeded += 1
        return
      }
      if (ok) succeeded += 1
      overall.recordValue(micros)
      const index = Math.max(0, Math.floor(dueMs / 1000))
      const second = (seconds[index] ??= {
        histogram: histogram(),
        okHistogram: histogram(),
        sent: 0,
        ok: 0,
        errors: 0,
        shed: 0,
      })
      second.histogram.recordValue(micros)
      second.sent += 1
      if (ok) {
        second.ok += 1
        second.okHistogram.recordValue(micros)
      } else second.errors += 1
      if (outcome === 'shed') second.shed += 1
      if (index < firstSecondsCount) head.recordValue(micros)
    },
    tick(second: number): SecondFigures {
      const figures = {
        second,
        ...liveFigures,
        p50: live.getValueAtPercentile(50) / 1000,
        p99: live.getValueAtPercentile(99) / 1000,
      }
      live = histogram()
      liveFigures = { sent: 0, ok: 0, errors: 0 }
      return figures
    },
    finish(elapsedSeconds: number, secondsPlanned: number): LoadResult {
      const timeline: SecondFigures[] = []
      const perSecondP99: (number | undefined)[] = []
      for (let index = 0; index < secondsPlanned; index += 1) {
        const second = seconds[index]
        const p99 = second === undefined ? undefined : second.histogram.getValueAtPercentile(99) / 1000
        perSecondP99.push(p99)
        timeline.push({
          second: index + 1,
          sent: second?.sent ?? 0,
          ok: second?.ok ?? 0,
          errors: second?.errors ?? 0,
          shed: second?.shed ?? 0,
          p50: second === undefined ? 0 : second.histogram.getValueAtPercentile(50) / 1000,
          p99: p99 ?? 0,
          okP99: second === undefined || second.ok === 0 ? 0 : second.okHistogram.getValueAtPercentile(99) / 1000,
        })
      }
      return {
        attempted,
        succeeded,
        errors,
        seconds: elapsedSeconds,
        overall,
        byEndpoint,
        timeline,
        perSecondP99: spreadOf(perSecondP99.filter((p99): p99 is number => p99 !== undefined)),
        firstSeconds: firstSecondsOf(perSecondP99, head.getValueAtPercentile(99) / 1000, {
          firstSeconds: firstSecondsCount,
        }),
        logins: logins.attempted === 0 ? undefined : logins,
      }
    },
  }
}
