import { describe, expect, it } from 'vitest'
import { intervalForRate, loadShape, parseShare } from './load-shape.ts'

describe('--rate and --interval', () => {
  it('sets the interval from the users so that users × 1000 / interval is the rate', () => {
    expect(intervalForRate(5000, 1000)).toBe(5000)
    expect(intervalForRate(200, 200)).toBe(1000)
    expect(loadShape({ users: 5000, ratePerSecond: 2500 })).toEqual({ intervalMs: 2000, offered: 2500 })
  })

  it('takes the interval as given, 2000 ms when neither is', () => {
    expect(loadShape({ users: 200, intervalMs: 1000 })).toEqual({ intervalMs: 1000, offered: 200 })
    expect(loadShape({ users: 5000 })).toEqual({ intervalMs: 2000, offered: 2500 })
  })

  it('refuses both at once and rates or intervals that are not positive', () => {
    expect(() => loadShape({ users: 100, intervalMs: 1000, ratePerSecond: 100 })).toThrow(/not both/)
    expect(() => loadShape({ users: 100, ratePerSecond: 0 })).toThrow()
    expect(() => loadShape({ users: 100, ratePerSecond: Number.NaN })).toThrow()
    expect(() => loadShape({ users: 100, intervalMs: -5 })).toThrow()
  })
})

describe('--new-sessions', () => {
  it('reads a share as a fraction or a percentage', () => {
    expect(parseShare(undefined)).toBe(0)
    expect(parseShare('0.05')).toBe(0.05)
    expect(parseShare('5%')).toBe(0.05)
    expect(() => parseShare('1')).toThrow()
    expect(() => parseShare('-0.1')).toThrow()
    expect(() => parseShare('lots')).toThrow()
  })
})
