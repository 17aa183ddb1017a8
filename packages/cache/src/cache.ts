import { Counter, Gauge, type Registry } from 'prom-client'

/** Strings by key, each with a time to live; misses are normal, failures count as misses. */
export interface Cache {
  readonly kind: 'memory' | 'redis'
  get(key: string): Promise<string | undefined>
  set(key: string, value: string, ttlMs: number): Promise<void>
  delete(keys: readonly string[]): Promise<void>
  close(): Promise<void>
}

export interface CacheMetrics {
  hit(): void
  miss(): void
  invalidated(count: number): void
}

const byRegistry = new WeakMap<Registry, { lookups: Counter<'cache' | 'result'>; invalidations: Counter<'cache'> }>()

/** Lookups by result, invalidations, and the hit ratio since start, per named cache. */
export function cacheMetrics(registry: Registry | undefined, cache: string): CacheMetrics {
  if (registry === undefined) return { hit() {}, miss() {}, invalidated() {} }
  let series = byRegistry.get(registry)
  if (series === undefined) {
    const lookups = new Counter({
      name: 'cache_lookups_total',
      help: 'Cache lookups by result (hit, miss)',
      labelNames: ['cache', 'result'],
      registers: [registry],
    })
    new Gauge({
      name: 'cache_hit_ratio',
      help: 'Hits over lookups since the process started',
      labelNames: ['cache'],
      registers: [registry],
      async collect() {
        const values = (await lookups.get()).values
        const caches = new Set(values.map((value) => String(value.labels['cache'])))
        for (const name of caches) {
          const count = (result: string) =>
            values.find((value) => value.labels['cache'] === name && value.labels['result'] === result)?.value ?? 0
          const total = count('hit') + count('miss')
          this.set({ cache: name }, total === 0 ? 0 : count('hit') / total)
        }
      },
    })
    series = {
      lookups,
      invalidations: new Counter({
        name: 'cache_invalidations_total',
        help: 'Keys removed because the owner announced a change',
        labelNames: ['cache'],
        registers: [registry],
      }),
    }
    byRegistry.set(registry, series)
  }
  const { lookups, invalidations } = series
  return {
    hit: () => lookups.inc({ cache, result: 'hit' }),
    miss: () => lookups.inc({ cache, result: 'miss' }),
    invalidated: (count) => invalidations.inc({ cache }, count),
  }
}
