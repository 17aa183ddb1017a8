import { createLogger, createMetricsRegistry, createServiceTokens, loadConfig, runService } from '@seams/service-kit'
import { buildApp } from './app.ts'
import { createAccessTokenVerifier, usersSigningKeys } from './authentication/access-token-verifier.ts'
import { GatewayConfig, upstreamUrlsOf } from './config.ts'
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
    })
    await app.listen({ port: config.PORT, host: config.HOST })
    return {
      async stop() {
        await app.close()
        await closeUpstreams(upstreams)
        redis?.disconnect()
      },
    }
  },
})
