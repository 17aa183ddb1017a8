import { LRUCache } from 'lru-cache'
import type { Cache } from './cache.ts'

export interface MemoryCacheOptions {
  /**
   * Entries kept; the least recently used go first.
   * @default 10000
   */
  max?: number
}

/** An in-process LRU: the default, nothing to run. Each replica has its own. */
export function createMemoryCache(options: MemoryCacheOptions = {}): Cache {
  const entries = new LRUCache<string, string>({ max: options.max ?? 10_000, ttlAutopurge: false })
  return {
    kind: 'memory',
    get: async (key) => entries.get(key),
    set: async (key, value, ttlMs) => {
      entries.set(key, value, { ttl: ttlMs })
    },
    delete: async (keys) => {
      for (const key of keys) entries.delete(key)
    },
    close: async () => entries.clear(),
  }
}
