import { natsLoginFields, serviceConfigFields } from '@seams/service-kit'
import Type, { type Static } from 'typebox'
import type { UpstreamName } from './routing/route-table.ts'

const UpstreamUrl = (service: string) =>
  Type.String({ pattern: '^https?://', description: `Base URL of the ${service} service` })

// The gateway holds no data, so it takes the service fields that apply to it and no DATABASE_URL.
const {
  HOST,
  SERVICE_PRIVATE_KEY,
  SERVICE_PUBLIC_KEYS,
  EDGE_CALLERS,
  ACCESS_TOKEN_JWKS_URL,
  ACCESS_TOKEN_ISSUER,
  ACCESS_TOKEN_AUDIENCE,
  LOG_LEVEL,
  EVENT_TRANSPORT,
  NATS_URL,
  NATS_NAMESPACE,
  OPERATORS,
} = serviceConfigFields

export const GatewayConfig = Type.Object({
  HOST,
  SERVICE_PRIVATE_KEY,
  SERVICE_PUBLIC_KEYS,
  EDGE_CALLERS,
  ACCESS_TOKEN_JWKS_URL,
  ACCESS_TOKEN_ISSUER,
  ACCESS_TOKEN_AUDIENCE,
  OPERATORS,
  LOG_LEVEL,
  EVENT_TRANSPORT,
  NATS_URL,
  NATS_NAMESPACE,
  ...natsLoginFields,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  USERS_URL: UpstreamUrl('users'),
  CATALOG_URL: UpstreamUrl('catalog'),
  ORDERS_URL: UpstreamUrl('orders'),
  PAYMENTS_URL: UpstreamUrl('payments'),
  ORDER_HISTORY_URL: UpstreamUrl('order-history'),
  FOLLOW_EVENTS: Type.Boolean({
    default: true,
    description:
      "Follow catalog's and users' events (cache invalidation, deactivations); off where the services publish none",
  }),
  DEACTIVATION_RECHECK_MS: Type.Integer({
    minimum: 100,
    default: 5000,
    description: "Without events: how long users' answer on whether a token's account is open is kept",
  }),
  MAX_REQUESTS_IN_FLIGHT: Type.Integer({
    minimum: 1,
    default: 256,
    description: 'Client requests in the shop at once; the next gets 503 with Retry-After at once (load shedding)',
  }),
  RATE_LIMIT_USER_MAX: Type.Integer({
    minimum: 1,
    default: 600,
    description: 'Requests per window for one logged-in user',
  }),
  RATE_LIMIT_ANONYMOUS_MAX: Type.Integer({
    minimum: 1,
    default: 1200,
    description: 'Requests per window for one client IP without a valid token',
  }),
  RATE_LIMIT_WINDOW_MS: Type.Integer({ minimum: 1000, default: 60_000 }),
  REDIS_URL: Type.Optional(
    Type.String({
      pattern: '^rediss?://',
      description: 'Keeps rate-limit counters in Redis, shared by gateway replicas; in memory when unset',
    }),
  ),
  RATE_LIMIT_NAMESPACE: Type.String({
    minLength: 1,
    default: 'seams-gateway-rate-limit:',
    description: "Prefix of the counters' Redis keys, so that several shops can share one Redis",
  }),
  PRODUCT_CACHE_TTL_MS: Type.Integer({
    minimum: 100,
    default: 30_000,
    description: 'Longest a cached product is served when no event said it changed',
  }),
  PRODUCT_LIST_CACHE_TTL_MS: Type.Integer({
    minimum: 100,
    default: 5000,
    description: 'Longest a cached page of products is served; stock moves do not drop pages',
  }),
  CACHE_NAMESPACE: Type.String({
    minLength: 1,
    default: 'seams-gateway-cache:',
    description: "Prefix of the product cache's Redis keys",
  }),
  COMPOSITION_PART_TIMEOUT_MS: Type.Integer({
    minimum: 10,
    maximum: 10_000,
    default: 800,
    description: 'Deadline of each non-essential part of a composed answer',
  }),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, maximum: 64 * 1024 * 1024, default: 1024 * 1024 }),
  REQUEST_TIMEOUT_MS: Type.Integer({
    minimum: 100,
    maximum: 600_000,
    default: 15_000,
    description: 'Longest a client may take to send a whole request, body included; a slower one is cut off',
  }),
  MAX_CONNECTIONS: Type.Integer({
    minimum: 1,
    default: 10_000,
    description: 'Client connections at once; further ones are refused',
  }),
  UPSTREAM_TIMEOUT_MS: Type.Integer({
    minimum: 50,
    maximum: 60_000,
    default: 3000,
    description: 'Longest wait for a service, retries included',
  }),
})
export type GatewayConfig = Static<typeof GatewayConfig>

/** Upstream base URLs by service name, as the route table names them. */
export function upstreamUrlsOf(config: GatewayConfig): Record<UpstreamName, string> {
  return {
    users: config.USERS_URL,
    catalog: config.CATALOG_URL,
    orders: config.ORDERS_URL,
    payments: config.PAYMENTS_URL,
    'order-history': config.ORDER_HISTORY_URL,
  }
}
