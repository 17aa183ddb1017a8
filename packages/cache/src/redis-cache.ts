import { Redis } from 'ioredis'
import type { Cache } from './cache.ts'

export interface RedisCacheOptions {
  url: string
  /** Prefix of every key, so that several caches (or shops) can share one Redis. */
  namespace: string
  /**
   * Longest wait for Redis before a lookup counts as a miss.
   * @default 50
   */
  timeoutMs?: number
}

/**
 * A cache in Redis, shared by replicas. Redis being slow or down never fails a request: a lookup that
 * does not answer in time is a miss, and a write that fails is dropped.
 */
export function createRedisCache(options: RedisCacheOptions): Cache {
  const redis = new Redis(options.url, {
    lazyConnect: false,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    commandTimeout: options.timeoutMs ?? 50,
  })
  redis.on('error', () => {}) // connection errors surface as misses; ioredis reconnects by itself
  const key = (name: string) => `${options.namespace}${name}`
  return {
    kind: 'redis',
    async get(name) {
      return (await redis.get(key(name)).catch(() => null)) ?? undefined
    },
    async set(name, value, ttlMs) {
      await redis.set(key(name), value, 'PX', ttlMs).catch(() => {})
    },
    async delete(names) {
      if (names.length > 0) await redis.del(...names.map(key)).catch(() => {})
    },
    async close() {
      redis.disconnect()
    },
  }
}
