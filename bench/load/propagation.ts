import { histogramBuckets, percentileMs, scrape, subtract, type Buckets } from './prometheus.ts'

export interface Propagation {
  /** Per consumer (read model): events applied during the run and their propagation p50/p99 in ms. */
  byConsumer: Record<string, { events: number; p50: number | undefined; p99: number | undefined }>
  /** p99 per consumer for each 5-second window, for the chart. */
  timeline: Record<string, [number, number][]>
}

const metric = 'consumer_propagation_seconds'

function consumersOf(text: string): string[] {
  return [
    ...new Set(
      [...text.matchAll(/consumer_propagation_seconds_bucket\{[^}]*consumer="([^"]+)"/g)].map((match) => match[1]!),
    ),
  ]
}

/**
 * Event propagation as the consumers measure it themselves (commit at the producer's event creation →
 * commit of the effect), read from their Prometheus histograms at the start, every 5 s, and at the end.
 */
export async function propagationOf(services: Record<string, string>) {
  const read = async () => {
    const texts = await Promise.all(Object.values(services).map((url) => scrape(url).catch(() => '')))
    const snapshot = new Map<string, Buckets>()
    for (const text of texts)
      for (const consumer of consumersOf(text))
        snapshot.set(consumer, histogramBuckets(text, metric, `consumer="${consumer}"`))
    return snapshot
  }
  const first = await read()
  let previous = first
  const timeline: Propagation['timeline'] = {}
  return {
    tick(second: number) {
      if (second % 5 !== 0) return
      void read().then((now) => {
        for (const [consumer, buckets] of now) {
          const p99 = percentileMs(subtract(buckets, previous.get(consumer) ?? new Map()), 99)
          if (p99 !== undefined) (timeline[consumer] ??= []).push([second, p99])
        }
        previous = now
      })
    },
    async finish(): Promise<Propagation> {
      const last = await read()
      const byConsumer: Propagation['byConsumer'] = {}
      for (const [consumer, buckets] of last) {
        const delta = subtract(buckets, first.get(consumer) ?? new Map())
        byConsumer[consumer] = {
          events: delta.get(Number.POSITIVE_INFINITY) ?? 0,
          p50: percentileMs(delta, 50),
          p99: percentileMs(delta, 99),
        }
      }
      return { byConsumer, timeline }
    },
  }
}
