import { describe, expect, it } from 'vitest'
import {
  addFailure,
  admit,
  checkFailures,
  freshCounter,
  withdraw,
  type BackoffLimit,
  type Counter,
  type Limit,
  type WindowLimit,
} from './throttle.ts'

const start = new Date('2026-01-01T00:00:00Z')
const at = (ms: number) => new Date(start.getTime() + ms)
const backoff: BackoffLimit = {
  kind: 'backoff',
  freeAttempts: 3,
  firstDelayMs: 1000,
  maxDelayMs: 8000,
  forgetAfterMs: 60_000,
}
const window: WindowLimit = { kind: 'window', max: 2, windowMs: 10_000 }

/** Attempts at the given times, saving each admitted one's counter as the store would; the admissions in order. */
function attempts(limit: Limit, times: number[], counter: Counter = freshCounter(start)) {
  const admissions = []
  for (const time of times) {
    const decided = admit(counter, at(time), limit)
    if (decided.counter !== undefined) counter = decided.counter
    admissions.push(decided.admission)
  }
  return { admissions, counter }
}

describe('admit with backoff', () => {
  it('admits the free attempts at once and refuses the next one until the first delay is over', () => {
    const { admissions } = attempts(backoff, [0, 1, 2, 3])
    expect(admissions).toEqual([
      { admitted: true },
      { admitted: true },
      { admitted: true },
      { admitted: false, retryAfterSeconds: 1 },
    ])
  })

  it('doubles the wait after each admitted attempt beyond the free ones, up to the cap', () => {
    // Free: 0, 0, 0; then waits of 1, 2, 4, 8 and 8 s (the cap), each attempt made as soon as allowed.
    const { admissions, counter } = attempts(backoff, [0, 0, 0, 1000, 3000, 7000, 15_000, 23_000])
    expect(admissions.every((admission) => admission.admitted)).toBe(true)
    expect(counter.blockedUntil).toEqual(at(31_000))
    expect(admit(counter, at(23_500), backoff).admission).toEqual({ admitted: false, retryAfterSeconds: 8 })
  })

  it('leaves the counter alone when it refuses, so retrying while refused does not extend the wait', () => {
    const { counter } = attempts(backoff, [0, 0, 0])
    expect(admit(counter, at(500), backoff)).toEqual({ admission: { admitted: false, retryAfterSeconds: 1 } })
  })

  it('forgets the count once no attempt was admitted for the forgetting time', () => {
    const { counter } = attempts(backoff, [0, 0, 0, 1000])
    expect(admit(counter, at(1000 + 60_000), backoff)).toMatchObject({
      admission: { admitted: true },
      counter: { attempts: 1, blockedUntil: null },
    })
  })

  it('gives an attempt back, lifting the block it caused', () => {
    const { counter } = attempts(backoff, [0, 0, 0])
    expect(counter.blockedUntil).not.toBeNull()
    expect(withdraw(counter, backoff)).toMatchObject({ attempts: 2, blockedUntil: null })
    expect(withdraw(freshCounter(start), backoff).attempts).toBe(0)
  })
})

describe('admit in a window', () => {
  it('admits up to max per window and refuses the rest until the window is over', () => {
    const { admissions, counter } = attempts(window, [0, 4000, 6500])
    expect(admissions[2]).toEqual({ admitted: false, retryAfterSeconds: 4 })
    expect(admit(counter, at(10_000), window)).toMatchObject({
      admission: { admitted: true },
      counter: { attempts: 1, windowStartedAt: at(10_000) },
    })
  })
})

describe('failures in a window', () => {
  it('refuses once the window holds max failures, and starts afresh with the next window', () => {
    let counter = freshCounter(start)
    counter = addFailure(counter, at(100), window)
    expect(checkFailures(counter, at(200), window)).toEqual({ admitted: true })
    counter = addFailure(counter, at(300), window)
    expect(checkFailures(counter, at(400), window)).toEqual({ admitted: false, retryAfterSeconds: 10 })
    expect(checkFailures(counter, at(10_000), window)).toEqual({ admitted: true })
    expect(addFailure(counter, at(10_000), window)).toMatchObject({ failures: 1, windowStartedAt: at(10_000) })
  })
})
