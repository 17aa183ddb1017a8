import { randomUUID } from 'node:crypto'
import { cacheMetrics, type Cache } from '@seams/cache'
import type { DeliveredEvent } from '@seams/core'
import type { RawResponse } from '@seams/http-client'
import type { Registry } from '@seams/service-kit'
import { LRUCache } from 'lru-cache'

export interface ProductCacheOptions {
  cache: Cache
  /** How long a product stays cached when no event says it changed. */
  ttlMs: number
  /** How long a page of the product list stays cached; pages are dropped on product changes, not on stock moves. */
  listTtlMs: number
  metrics?: Registry
}

export interface ProductCache {
  readonly kind: Cache['kind']
  /** The cached JSON of a product or list page, or the loader's answer (cached when it is a 200). */
  product(id: string, load: () => Promise<Loaded>): Promise<Cached>
  page(query: string, load: () => Promise<Loaded>): Promise<Cached>
  /** Applies one of the catalog's events: the changed product (and, for a change, the list pages) is dropped. */
  invalidate(event: DeliveredEvent): Promise<void>
}

/** The catalog's answer as forwarded: only a 200 is cached. */
export type Loaded = RawResponse

export type Cached = { hit: true; json: string } | { hit: false; loaded: Loaded }

/**
 * Product reads, cached at the edge, invalidated by the catalog's own events (ProductAdded,
 * ProductChanged, StockChanged), with a TTL as the backstop for a missed event. A read racing an
 * invalidation is not cached when the product it loaded is older than the change just announced.
 */
export function createProductCache(options: ProductCacheOptions): ProductCache {
  const { cache } = options
  const metrics = cacheMetrics(options.metrics, 'products')
  const announced = new LRUCache<string, number>({ max: 50_000, ttl: options.ttlMs })
  // Pages are keyed by the feed position of the last product change applied, so that replicas sharing
  // a Redis agree on the key once they have seen the same changes. Until its first change a replica has
  // a key of its own: it cannot tell which changes the pages already in Redis predate (a counter from 0
  // would serve a page another replica cached before them).
  let listGeneration = `start-${randomUUID()}`

  async function read(
    key: string,
    ttlMs: number,
    load: () => Promise<Loaded>,
    fresh: (json: string) => boolean,
  ): Promise<Cached> {
    const json = await cache.get(key)
    if (json !== undefined) {
      metrics.hit()
      return { hit: true, json }
    }
    metrics.miss()
    const loaded = await load()
    if (loaded.status === 200 && fresh(loaded.body.toString('utf8')))
      await cache.set(key, loaded.body.toString('utf8'), ttlMs)
    return { hit: false, loaded }
  }

  return {
    kind: cache.kind,
    product: (id, load) =>
      read(
        `product:${id}`,
        options.ttlMs,
        load,
        (json) => (JSON.parse(json) as { version: number }).version >= (announced.get(id) ?? 0),
      ),
    page: (query, load) => read(`products:${listGeneration}:${query}`, options.listTtlMs, load, () => true),
    async invalidate(event) {
      const id = (event.data as { productId?: string }).productId
      if (id === undefined) return
      announced.set(id, Math.max(announced.get(id) ?? 0, event.aggregateversion))
      await cache.delete([`product:${id}`])
      if (event.type !== 'catalog.StockChanged') listGeneration = `at-${event.position}`
      metrics.invalidated(1)
    },
  }
}
