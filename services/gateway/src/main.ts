import {
  createAccessTokenVerifier,
  createLogger,
  createMetricsRegistry,
  loadConfig,
  namesOf,
  remoteSigningKeys,
  runService,
  serviceAuthFromConfig,
} from '@seams/service-kit'
import { createMemoryCache, createRedisCache } from '@seams/cache'
import { createHttpFeedTransport } from '@seams/transport-http-feed'
import { createNatsTransport } from '@seams/transport-nats'
import { createUsersClient } from '@shop/users-contracts'
import { buildApp } from './app.ts'
import { actingUserOf } from './authentication/bearer-token.ts'
import { followDeactivations } from './authentication/deactivations.ts'
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
    const auth = serviceAuthFromConfig('gateway', config)
    const upstreams = createUpstreams(upstreamUrlsOf(config), {
      tokens: auth,
      metrics,
      timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    })
    const redis =
      config.REDIS_URL === undefined
        ? undefined
        : await connectRateLimitRedis(config.REDIS_URL, logger, { connectTimeoutMs: 1000 })
    const cache =
      config.REDIS_URL === undefined
        ? createMemoryCache()
        : createRedisCache({ url: config.REDIS_URL, namespace: config.CACHE_NAMESPACE })
    const products = createProductCache({
      cache,
      ttlMs: config.PRODUCT_CACHE_TTL_MS,
      listTtlMs: config.PRODUCT_LIST_CACHE_TTL_MS,
      metrics,
    })
    const events =
      config.EVENT_TRANSPORT === 'jetstream'
        ? createNatsTransport({
            servers: config.NATS_URL,
            namespace: config.NATS_NAMESPACE,
            name: 'gateway',
            logger,
            credentials: { user: config.NATS_USER, password: config.NATS_PASSWORD, credsFile: config.NATS_CREDS },
          })
        : createHttpFeedTransport({
            sources: { catalog: config.CATALOG_URL, users: config.USERS_URL },
            tokens: { tokenFor: (audience) => auth.tokenFor(audience, { ownBehalf: true }) },
            logger,
            metrics,
          })
    const invalidation = followCatalogChanges(events, products, `${process.pid}`)
    const deactivations = followDeactivations(events, createUsersClient(upstreams.users.client), {
      replica: `${process.pid}`,
    })
    const app = await buildApp({
      logger,
      metrics,
      upstreams,
      // The edge holds end users to the identity provider's published claims, not just its signature.
      accessTokens: createAccessTokenVerifier(
        remoteSigningKeys(config.ACCESS_TOKEN_JWKS_URL, { timeoutMs: config.UPSTREAM_TIMEOUT_MS }),
        {
          issuer: config.ACCESS_TOKEN_ISSUER,
          audience: config.ACCESS_TOKEN_AUDIENCE,
          userOf: actingUserOf,
        },
      ),
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
      deactivations,
      compositionPartTimeoutMs: config.COMPOSITION_PART_TIMEOUT_MS,
      auth,
      operators: namesOf(config.OPERATORS),
      limits: { requestTimeoutMs: config.REQUEST_TIMEOUT_MS, maxConnections: config.MAX_CONNECTIONS },
    })
    await app.listen({ port: config.PORT, host: config.HOST })
    return {
      async stop() {
        await app.close()
        await invalidation.stop()
        await deactivations.stop()
        await events.close()
        await cache.close()
        await closeUpstreams(upstreams)
        redis?.disconnect()
      },
    }
  },
})
