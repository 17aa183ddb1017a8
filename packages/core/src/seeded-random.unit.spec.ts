import { describe, expect, it } from 'vitest'
import { seededRandom } from './seeded-random.ts'

describe('seededRandom', () => {
  it('repeats its sequence for a seed and stays within [0, 1)', () => {
    const one = seededRandom(7)
    const again = seededRandom(7)
    const drawn = Array.from({ length: 1000 }, () => one())
    expect(Array.from({ length: 1000 }, () => again())).toEqual(drawn)
    expect(drawn.every((value) => value >= 0 && value < 1)).toBe(true)
    expect(seededRandom(8)()).not.toBe(drawn[0])
  })
})
