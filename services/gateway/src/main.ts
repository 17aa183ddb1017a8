import { createLogger, createMetricsRegistry, createServiceTokens, loadConfig, runService } from '@seams/service-kit'
import { createMemoryCache, createRedisCache } from '@seams/cache'
import { createHttpFeedTransport } from '@seams/transport-http-feed'
import { createNatsTransport } from '@seams/transport-nats'
import { buildApp } from './app.ts'
import { createAccessTokenVerifier, usersSigningKeys } from './authentication/access-token-verifier.ts'
import { GatewayConfig, upstreamUrlsOf } from './config.ts'
import { createProductCache } from './product-cache/product-cache.ts'
import { followCatalogChanges } from './product-cache/product-invalidation.ts'
import { connectRateLimitRedis } from './rate-limit/rate-limit-redis.ts'
import { closeUpstreams, createUpstreams } from './routing/upstreams.ts'

const config = loadConfig(GatewayConfig, process.env)
const logger = createLogger({ service: 'gateway', level: config.LOG_LEVEL })

await runService({
  logger,
  async start() {
    const metrics = createMetricsRegistry('gateway')
    const tokens = createServiceTokens({ service: 'gateway', secret: config.SERVICE_SECRET })
    const upstreams = createUpstreams(upstreamUrlsOf(config), { tokens, metrics, timeoutMs: config.UPSTREAM_TIMEOUT_MS })
    const redis = config.REDIS_URL === undefined ? undefined : await connectRateLimitRedis(config.REDIS_URL, logger, { connectTimeoutMs: 1000 })
    const cache = config.REDIS_URL === undefined ? createMemoryCache() : createRedisCache({ url: config.REDIS_URL, namespace: config.CACHE_NAMESPACE })
    const products = createProductCache({ cache, ttlMs: config.PRODUCT_CACHE_TTL_MS, listTtlMs: config.PRODUCT_LIST_CACHE_TTL_MS, metrics })
    const catalogEvents =
      config.EVENT_TRANSPORT === 'jetstream'
        ? createNatsTransport({ servers: config.NATS_URL, namespace: config.NATS_NAMESPACE, name: 'gateway', logger, credentials: { user: config.NATS_USER, password: config.NATS_PASSWORD, credsFile: config.NATS_CREDS } })
        : createHttpFeedTransport({ sources: { catalog: config.CATALOG_URL }, tokens, logger, metrics })
    const invalidation = followCatalogChanges(catalogEvents, products, `${process.pid}`)
    const app = await buildApp({
      logger,
      metrics,
      upstreams,
      accessTokens: createAccessTokenVerifier(usersSigningKeys(config.USERS_URL, { timeoutMs: config.UPSTREAM_TIMEOUT_MS }), {
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
      }),
      rateLimit: {
        userMax: config.RATE_LIMIT_USER_MAX,
        anonymousMax: config.RATE_LIMIT_ANONYMOUS_MAX,
        windowMs: config.RATE_LIMIT_WINDOW_MS,
        redis,
        namespace: config.RATE_LIMIT_NAMESPACE,
      },
      bodyLimitBytes: config.BODY_LIMIT_BYTES,
      upstreamTimeoutMs: config.UPSTREAM_TIMEOUT_MS,
      products,
      compositionPartTimeoutMs: config.COMPOSITION_PART_TIMEOUT_MS,
    })
    await app.listen({ port: config.PORT, host: config.HOST })
    return {
      async stop() {
        await app.close()
        await invalidation.stop()
        await catalogEvents.close()
        await cache.close()
        await closeUpstreams(upstreams)
        redis?.disconnect()
      },
    }
  },
})
