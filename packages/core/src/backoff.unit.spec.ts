import { describe, expect, it } from 'vitest'
import { backoffDelay } from './backoff.ts'

describe('backoffDelay', () => {
  it('doubles from the base at each step, up to the cap', () => {
    expect([0, 1, 2, 3, 5, 6, 10].map((exponent) => backoffDelay(exponent))).toEqual([
      100, 200, 400, 800, 3200, 5000, 5000,
    ])
    expect(backoffDelay(2, { baseMs: 50, maxMs: Infinity })).toBe(200)
    expect(backoffDelay(3, { maxMs: 500 })).toBe(500)
  })

  it('stays at the cap for exponents large enough to overflow', () => {
    expect(backoffDelay(5000, { maxMs: 30_000 })).toBe(30_000)
  })

  it('with equal jitter, draws between half and all of the delay', () => {
    expect(backoffDelay(3, { jitter: 'equal', random: () => 0 })).toBe(400)
    expect(backoffDelay(3, { jitter: 'equal', random: () => 0.5 })).toBe(600)
    expect(backoffDelay(3, { jitter: 'equal', random: () => 0.999_999 })).toBeCloseTo(800, 2)
    const drawn = Array.from({ length: 200 }, () => backoffDelay(2, { jitter: 'equal' }))
    expect(Math.min(...drawn)).toBeGreaterThanOrEqual(200)
    expect(Math.max(...drawn)).toBeLessThan(400)
  })
})
