import { createMemoryCache, createRedisCache } from '@seams/cache'
import { createEventTransport, transportSettingsOf } from '@seams/eventing/transport'
import { bootstrapService, createAccessTokenVerifier, namesOf, remoteSigningKeys } from '@seams/service-kit'
import { createUsersClient } from '@shop/users-contracts'
import { buildApp } from './app.ts'
import { actingUserOf } from './authentication/bearer-token.ts'
import { askDeactivations, followDeactivations, type Deactivations } from './authentication/deactivations.ts'
import { GatewayConfig, upstreamUrlsOf } from './config.ts'
import { createProductCache } from './product-cache/product-cache.ts'
import { followCatalogChanges } from './product-cache/product-invalidation.ts'
import { connectRateLimitRedis } from './rate-limit/rate-limit-redis.ts'
import { closeUpstreams, createUpstreams } from './routing/upstreams.ts'

// The gateway owns no data: no database and no outbox or inbox, only the events that drop its caches.
await bootstrapService({
  service: 'gateway',
  config: GatewayConfig,
  async start({ config, logger, metrics, auth, onStop }) {
    const upstreams = createUpstreams(upstreamUrlsOf(config), {
      tokens: auth,
      metrics,
      timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    })
    onStop(() => closeUpstreams(upstreams))
    const redis =
      config.REDIS_URL === undefined
        ? undefined
        : await connectRateLimitRedis(config.REDIS_URL, logger, { connectTimeoutMs: 1000 })
    onStop(() => redis?.disconnect())
    const cache =
      config.REDIS_URL === undefined
        ? createMemoryCache()
        : createRedisCache({ url: config.REDIS_URL, namespace: config.CACHE_NAMESPACE })
    onStop(() => cache.close())
    const products = createProductCache({
      cache,
      ttlMs: config.PRODUCT_CACHE_TTL_MS,
      listTtlMs: config.PRODUCT_LIST_CACHE_TTL_MS,
      metrics,
    })
    // Where the services publish no events (the shared-database topology), the cache lives on its TTL alone
    // and deactivations are asked of users.
    const users = createUsersClient(upstreams.users.client)
    let deactivations: Deactivations
    if (config.FOLLOW_EVENTS) {
      const events = createEventTransport({
        ...transportSettingsOf(config),
        service: 'gateway',
        feeds: { catalog: config.CATALOG_URL, users: config.USERS_URL },
        // Reading a feed is the gateway's own business, not a call on behalf of an end user.
        tokens: { tokenFor: (audience) => auth.tokenFor(audience, { ownBehalf: true }) },
        logger,
        metrics,
      })
      onStop(() => events.close())
      const invalidation = followCatalogChanges(events, products, `${process.pid}`)
      onStop(() => invalidation.stop())
      deactivations = followDeactivations(events, users, { replica: `${process.pid}` })
    } else {
      deactivations = askDeactivations(users, { recheckMs: config.DEACTIVATION_RECHECK_MS })
    }
    onStop(() => deactivations.stop())
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
      admission: { maxInFlight: config.MAX_REQUESTS_IN_FLIGHT, retryAfterSeconds: 1, metrics },
      bodyLimitBytes: config.BODY_LIMIT_BYTES,
      upstreamTimeoutMs: config.UPSTREAM_TIMEOUT_MS,
      products,
      deactivations,
      compositionPartTimeoutMs: config.COMPOSITION_PART_TIMEOUT_MS,
      auth,
      operators: namesOf(config.OPERATORS),
      limits: { requestTimeoutMs: config.REQUEST_TIMEOUT_MS, maxConnections: config.MAX_CONNECTIONS },
    })
    return { app }
  },
})
