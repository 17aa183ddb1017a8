import rateLimit, { normalizeIP } from '@fastify/rate-limit'
import type { ServiceApp } from '@seams/service-kit'
import type { FastifyRequest } from 'fastify'
import type { Redis } from 'ioredis'
import { RATE_LIMITED_CODE } from '../errors.ts'

export interface RateLimitOptions {
  /** Requests per window for one logged-in user. */
  userMax: number
  /** Requests per window for one client IP whose requests carry no valid token. */
  anonymousMax: number
  windowMs: number
  /** Shared counters for gateway replicas; per-process memory when absent. */
  redis?: Redis
  /** Prefix of the Redis keys, so that several shops can share one Redis. */
  namespace: string
}

// Keys are namespaced by kind so that a user id can never collide with an address.
const clientKeyOf = (request: FastifyRequest) =>
  request.endUser === undefined ? `ip:${normalizeIP(request.ip)}` : `user:${request.endUser.id}`

/**
 * Limits every route registered on `app` after this call, per client: the logged-in user, or else the
 * client's IP. Runs after authentication so the key is known. Health and metrics live on the root
 * app, outside this scope, and are never limited.
 */
export async function limitRequestRates(app: ServiceApp, options: RateLimitOptions): Promise<void> {
  await app.register(rateLimit, {
    timeWindow: options.windowMs,
    max: (request) => (request.endUser === undefined ? options.anonymousMax : options.userMax),
    keyGenerator: clientKeyOf,
    redis: options.redis,
    nameSpace: options.namespace,
    // Per-process counters live in an LRU of this many clients (5,000 by default): a client evicted by
    // busier ones starts afresh, so it must hold every client active within a window.
    cache: 100_000,
    // A Redis outage must not take the shop down with it: requests pass uncounted until it is back.
    skipOnError: true,
    errorResponseBuilder: (_request, context) =>
      Object.assign(new Error(`Too many requests; retry in ${context.after}`), {
        statusCode: context.statusCode,
        code: RATE_LIMITED_CODE,
      }),
  })
}
