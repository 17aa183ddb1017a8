import { describe, expect, it } from 'vitest'
import { firstSecondsOf, median, spreadOf } from './steadiness.ts'

describe('first seconds against the rest of a run', () => {
  it('flags a run whose first 3 s p99 is over twice the median per-second p99 of the rest', () => {
    // The connect storm MEASURED.md describes: 278 ms, 44 ms, then single-digit seconds.
    const perSecond = [278, 44, 12, 5, 6, 4, 7, 5]
    expect(firstSecondsOf(perSecond, 250)).toEqual({ seconds: 3, p99: 250, restMedianP99: 5, differs: true })
  })

  it('does not flag a steady run, nor one exactly at twice the rest', () => {
    expect(firstSecondsOf([6, 5, 7, 5, 6, 4, 7, 5], 7)?.differs).toBe(false)
    expect(firstSecondsOf([10, 10, 10, 5, 5, 5], 10)?.differs).toBe(false)
  })

  it('leaves out seconds without requests and has no verdict when nothing follows the first seconds', () => {
    expect(firstSecondsOf([20, undefined, 20, undefined, 4, 6], 20)).toEqual({
      seconds: 3,
      p99: 20,
      restMedianP99: 5,
      differs: true,
    })
    expect(firstSecondsOf([300, 200, 100], 300)).toBeUndefined()
    expect(firstSecondsOf([undefined, undefined, undefined, 5], 0)).toBeUndefined()
  })

  it('takes the number of seconds and the factor as options', () => {
    expect(firstSecondsOf([30, 10, 10, 10], 30, { firstSeconds: 1, factor: 4 })?.differs).toBe(false)
    expect(firstSecondsOf([50, 10, 10, 10], 50, { firstSeconds: 1, factor: 4 })?.differs).toBe(true)
  })
})

describe('per-second spread', () => {
  it('gives min, median and max', () => {
    expect(spreadOf([9, 1, 5, 3])).toEqual({ min: 1, median: 4, max: 9 })
    expect(spreadOf([])).toBeUndefined()
    expect(median([3, 1, 2])).toBe(2)
  })
})
