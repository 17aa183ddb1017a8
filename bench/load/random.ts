/** A small seeded generator (mulberry32): a benchmark run can be repeated request for request. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Exponentially distributed gap with the given mean: arrivals of a Poisson process (think time). */
export const exponential = (random: () => number, meanMs: number) => -Math.log(1 - random()) * meanMs
