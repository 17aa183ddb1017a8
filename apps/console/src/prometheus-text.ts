/** One sample of the Prometheus text format: `name{label="value",...} number`. */
export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g

/**
 * Reads the samples of a `/metrics` answer (prom-client's text exposition). Comments (HELP, TYPE) are skipped;
 * a line that is not a sample is ignored rather than failing the whole scrape.
 */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const match = sampleLine.exec(line)
    if (match === null) continue
    const labels: Record<string, string> = {}
    for (const pair of (match[2] ?? '').matchAll(labelPair))
      labels[pair[1]!] = pair[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\')
    const value = match[3] === '+Inf' ? Infinity : match[3] === '-Inf' ? -Infinity : Number(match[3])
    samples.push({ name: match[1]!, labels, value })
  }
  return samples
}

/** The sum of the samples named `name` whose labels include every one of `where`. */
export function sumOf(samples: readonly Sample[], name: string, where: Record<string, string> = {}): number {
  let total = 0
  for (const sample of samples)
    if (sample.name === name && Object.entries(where).every(([key, value]) => sample.labels[key] === value))
      total += sample.value
  return total
}

/**
 * The cumulative bucket counts of histogram `name` summed over its series (e.g. every route), by upper bound.
 * `where` narrows the series.
 */
export function histogramOf(
  samples: readonly Sample[],
  name: string,
  where: Record<string, string> = {},
): Map<number, number> {
  const buckets = new Map<number, number>()
  for (const sample of samples) {
    if (sample.name !== `${name}_bucket`) continue
    if (!Object.entries(where).every(([key, value]) => sample.labels[key] === value)) continue
    const bound = sample.labels['le'] === '+Inf' ? Infinity : Number(sample.labels['le'])
    buckets.set(bound, (buckets.get(bound) ?? 0) + sample.value)
  }
  return buckets
}

/**
 * The q-quantile of the observations between two cumulative histograms (`before` may be empty), interpolated
 * inside its bucket as Prometheus's histogram_quantile does; undefined without observations.
 */
export function quantileBetween(
  before: Map<number, number>,
  after: Map<number, number>,
  q: number,
): number | undefined {
  const bounds = [...after.keys()].sort((a, b) => a - b)
  const counts = bounds.map((bound) => Math.max(0, after.get(bound)! - (before.get(bound) ?? 0)))
  const total = counts[counts.length - 1] ?? 0
  if (total === 0) return undefined
  const rank = q * total
  for (let index = 0; index < bounds.length; index += 1) {
    if (counts[index]! < rank) continue
    const upper = bounds[index]!
    const lower = index === 0 ? 0 : bounds[index - 1]!
    if (upper === Infinity) return lower
    const below = index === 0 ? 0 : counts[index - 1]!
    const inBucket = counts[index]! - below
    return inBucket === 0 ? upper : lower + ((upper - lower) * (rank - below)) / inBucket
  }
  return bounds[bounds.length - 1]
}
