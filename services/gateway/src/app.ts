import {
  createServiceApp,
  type AccessTokenVerifier,
  type Logger,
  type Registry,
  type ServiceApp,
  type ServiceAuth,
  type ConnectionLimits,
} from '@seams/service-kit'
import { apiReferenceRoutes, createPublicApiDocs } from './api-docs/api-docs.route.ts'
import type { OpenApiDocument } from './api-docs/public-api.ts'
import { limitRequestsInFlight, type AdmissionOptions } from './admission/admission-limit.ts'
import { authenticateEndUsers } from './authentication/authenticate-end-users.ts'
import type { Deactivations } from './authentication/deactivations.ts'
import { orderDetailsRoutes } from './composition/order-details.route.ts'
import type { ProductCache } from './product-cache/product-cache.ts'
import { productCacheRoutes } from './product-cache/product-cache.route.ts'
import { limitRequestRates, type RateLimitOptions } from './rate-limit/rate-limit.ts'
import { upstreamReadiness } from './readiness/upstream-readiness.ts'
import { forwardingRoutes } from './routing/forwarding.route.ts'
import { forwardRoutes } from './routing/route-table.ts'
import type { Upstreams } from './routing/upstreams.ts'

export interface GatewayDeps {
  logger: Logger
  metrics: Registry
  upstreams: Upstreams
  accessTokens: AccessTokenVerifier
  deactivations: Deactivations
  rateLimit: RateLimitOptions
  admission: AdmissionOptions
  bodyLimitBytes: number
  /** Longest wait for a service's answer, retries included. */
  upstreamTimeoutMs: number
  products: ProductCache
  /** Deadline of each non-essential part of a composed answer. */
  compositionPartTimeoutMs: number
  /** The gateway's own identity: it checks the operator's tokens for metrics and readiness detail. */
  auth: ServiceAuth
  operators: readonly string[]
  limits: ConnectionLimits
}

// Under the kit's two-second cap per check, so a hung service shows as such rather than as a slow probe.
const readinessTimeoutMs = 1000

/** The gateway's HTTP app; it never listens, so tests drive it in-process. */
export async function buildApp(deps: GatewayDeps): Promise<ServiceApp> {
  // The public API's description: the services' own documents under their public paths, and the gateway's.
  const docs = createPublicApiDocs(deps.upstreams, () => app.swagger() as unknown as OpenApiDocument)
  // No `tokens`: the gateway is the edge. It authenticates end users itself and mints the service tokens.
  const app: ServiceApp = await createServiceApp({
    service: 'gateway',
    logger: deps.logger,
    metrics: deps.metrics,
    bodyLimit: deps.bodyLimitBytes,
    readiness: upstreamReadiness(deps.upstreams, { timeoutMs: readinessTimeoutMs }),
    openapi: {
      title: 'Seams shop API',
      description:
        "The shop's single entry point: /api routes to the service that owns each resource. Errors are RFC 9457 " +
        'problem documents whose `code`s are listed in docs/errors.md.',
      tags: { orders: 'Orders: placing, reading, cancelling; and one order composed with its parts' },
      document: () => docs.document(),
    },
    // The gateway's port is the public one: what its metrics and readiness detail tell is for operators.
    operations: { auth: deps.auth, operators: deps.operators },
    limits: deps.limits,
  })
  await apiReferenceRoutes(app, docs)
  // Everything the shop's clients call lives in this scope: authenticated, then rate-limited.
  await app.register(async (api) => {
    // First: a request the shop cannot take costs nothing more than its refusal.
    limitRequestsInFlight(api, deps.admission)
    authenticateEndUsers(api, { verifier: deps.accessTokens, deactivations: deps.deactivations })
    await limitRequestRates(api, deps.rateLimit)
    await api.register(async (owned) => {
      // Gateway-owned routes first (forwarding skips what is already registered): composition, cached reads.
      orderDetailsRoutes(owned, {
        upstreams: deps.upstreams,
        products: deps.products,
        orderTimeoutMs: deps.upstreamTimeoutMs,
        partTimeoutMs: deps.compositionPartTimeoutMs,
      })
      productCacheRoutes(owned, {
        products: deps.products,
        catalog: deps.upstreams.catalog,
        routes: forwardRoutes,
        timeoutMs: deps.upstreamTimeoutMs,
      })
      forwardingRoutes(owned, { routes: forwardRoutes, upstreams: deps.upstreams, timeoutMs: deps.upstreamTimeoutMs })
    })
  })
  return app
}
