import { seededRandom as uniform } from '@seams/core'

/**
 * A small seeded generator (mulberry32) with the helpers a scenario plan needs. The same seed always
 * gives the same plan, so a failing run is replayed by its seed alone.
 */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number
  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number
  chance(probability: number): boolean
  pick<T>(items: readonly T[]): T
  shuffle<T>(items: readonly T[]): T[]
  /**
   * An independent stream for one part of the plan (a customer, the faults): adding draws to one part
   * never shifts what another part draws, so plans stay comparable when a knob changes.
   */
  fork(label: string): SeededRandom
}

export function seededRandom(seed: number): SeededRandom {
  const next = uniform(seed)
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1))
  return {
    next,
    int,
    chance: (probability) => next() < probability,
    pick: (items) => items[int(0, items.length - 1)]!,
    shuffle(items) {
      const copy = [...items]
      for (let i = copy.length - 1; i > 0; i -= 1) {
        const j = int(0, i)
        ;[copy[i], copy[j]] = [copy[j]!, copy[i]!]
      }
      return copy
    },
    fork: (label) => seededRandom(hash(`${seed}:${label}`)),
  }
}

/** FNV-1a: turns a label into a 32-bit seed. */
function hash(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return h >>> 0
}

/** The seed to use: SEAMS_INVARIANT_SEED replays a run, otherwise a fresh one. */
export function chooseSeed(explicit?: number, env: NodeJS.ProcessEnv = process.env): number {
  if (explicit !== undefined) return explicit >>> 0
  const replay = env['SEAMS_INVARIANT_SEED']
  if (replay !== undefined && replay !== '') {
    const seed = Number(replay)
    if (!Number.isInteger(seed)) throw new TypeError(`SEAMS_INVARIANT_SEED must be an integer, not ${replay}`)
    return seed >>> 0
  }
  return Math.floor(Math.random() * 2 ** 31)
}
