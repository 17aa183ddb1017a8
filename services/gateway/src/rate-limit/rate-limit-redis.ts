import { once } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from '@seams/service-kit'
import { Redis } from 'ioredis'

/**
 * A Redis connection for rate-limit counters that never makes a request wait for Redis: without the
 * offline queue, commands fail at once while it is unreachable, and the limiter lets requests pass.
 */
export async function connectRateLimitRedis(
  url: string,
  logger: Logger,
  options: { connectTimeoutMs: number },
): Promise<Redis> {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: options.connectTimeoutMs,
  })
  redis.on('error', (error: Error) =>
    logger.warn({ err: error }, 'rate-limit Redis unavailable; requests pass uncounted'),
  )
  // Starting with the counters in place keeps the first requests limited; a Redis that is down does not stop the start.
  const settled = new AbortController()
  const connected = await Promise.race([
    once(redis, 'ready', { signal: settled.signal }).then(
      () => true,
      () => false,
    ),
    sleep(options.connectTimeoutMs, false, { signal: settled.signal }).catch(() => false),
  ])
  settled.abort()
  if (!connected)
    logger.warn(
      { redis: new URL(url).host },
      'rate-limit Redis not reachable at start; requests pass uncounted until it is',
    )
  return redis
}
