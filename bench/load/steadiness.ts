/** Whether a run's first seconds look like the rest: a connect storm or cold caches show up there. */
export interface Spread {
  min: number
  median: number
  max: number
}

export interface FirstSeconds {
  /** How many leading seconds are compared with the rest. */
  seconds: number
  /** p99 of all requests due in those seconds, in ms. */
  p99: number
  /** Median of the per-second p99s of the seconds after them, in ms. */
  restMedianP99: number
  /** `p99 > factor × restMedianP99`: the run did not measure a steady state from its start. */
  differs: boolean
}

export interface SteadinessOptions {
  /** @default 3 */
  firstSeconds?: number
  /** @default 2 */
  factor?: number
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

export function spreadOf(values: readonly number[]): Spread | undefined {
  if (values.length === 0) return undefined
  return { min: Math.min(...values), median: median(values), max: Math.max(...values) }
}

/**
 * `perSecondP99[i]` is the p99 of the requests due in second i (undefined for a second with none);
 * `firstSecondsP99` the p99 of all requests due in the first `firstSeconds` seconds together. There is
 * nothing to compare with when no later second had requests.
 */
export function firstSecondsOf(
  perSecondP99: readonly (number | undefined)[],
  firstSecondsP99: number,
  options: SteadinessOptions = {},
): FirstSeconds | undefined {
  const seconds = options.firstSeconds ?? 3
  const factor = options.factor ?? 2
  const rest = perSecondP99.slice(seconds).filter((p99): p99 is number => p99 !== undefined)
  if (rest.length === 0 || perSecondP99.slice(0, seconds).every((p99) => p99 === undefined)) return undefined
  const restMedianP99 = median(rest)
  return { seconds, p99: firstSecondsP99, restMedianP99, differs: firstSecondsP99 > factor * restMedianP99 }
}
