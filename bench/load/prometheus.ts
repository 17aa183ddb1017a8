/** One histogram's cumulative buckets (upper bound in seconds → count), summed over the series that match. */
export type Buckets = Map<number, number>

/** Reads a Prometheus histogram from a /metrics text, summing the series whose labels contain `labelFilter`. */
export function histogramBuckets(text: string, name: string, labelFilter = ''): Buckets {
  const buckets: Buckets = new Map()
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}_bucket{`) || !line.includes(labelFilter)) continue
    const le = /le="([^"]+)"/.exec(line)?.[1]
    const value = Number(line.slice(line.lastIndexOf(' ') + 1))
    if (le === undefined) continue
    const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le)
    buckets.set(bound, (buckets.get(bound) ?? 0) + value)
  }
  return buckets
}

export function subtract(after: Buckets, before: Buckets): Buckets {
  return new Map([...after].map(([bound, count]) => [bound, count - (before.get(bound) ?? 0)]))
}

/**
 * A percentile, in milliseconds, interpolated inside the bucket it falls in (as Prometheus' histogram_quantile does).
 */
export function percentileMs(buckets: Buckets, percentile: number): number | undefined {
  const bounds = [...buckets.keys()].sort((a, b) => a - b)
  const total = buckets.get(Number.POSITIVE_INFINITY) ?? 0
  if (total <= 0) return undefined
  const rank = (percentile / 100) * total
  let lowerBound = 0
  let lowerCount = 0
  for (const bound of bounds) {
    const count = buckets.get(bound)!
    if (count >= rank) {
      if (!Number.isFinite(bound)) return lowerBound * 1000
      return (lowerBound + ((bound - lowerBound) * (rank - lowerCount)) / Math.max(1, count - lowerCount)) * 1000
    }
    lowerBound = bound
    lowerCount = count
  }
  return undefined
}

/** A service's /metrics; `authorization` for a port that serves them to operators only (the gateway's). */
export async function scrape(url: string, authorization?: string): Promise<string> {
  const response = await fetch(`${url}/metrics`, {
    signal: AbortSignal.timeout(5000),
    headers: authorization === undefined ? {} : { authorization },
  })
  return response.text()
}

/** The sum of a gauge or counter over all its series in several /metrics texts. */
export function sumOf(texts: readonly string[], name: string): number {
  let sum = 0
  for (const text of texts) {
    for (const line of text.split('\n')) {
      if (line.startsWith(`${name}{`) || line.startsWith(`${name} `))
        sum += Number(line.slice(line.lastIndexOf(' ') + 1))
    }
  }
  return sum
}
