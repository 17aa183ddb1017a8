import { isDeepStrictEqual } from 'node:util'
import {
  edgeSecuritySchemes,
  kitProblemCodes,
  problemResponses,
  problemsOf,
  type ProblemCode,
} from '@seams/service-kit'
import { catalogErrorCodes } from '@shop/catalog-contracts'
import { orderHistoryErrorCodes } from '@shop/order-history-contracts'
import { ordersErrorCodes } from '@shop/orders-contracts'
import { paymentsErrorCodes } from '@shop/payments-contracts'
import { usersErrorCodes } from '@shop/users-contracts'
import { gatewayErrorCodes } from '../errors.ts'
import { forwardRoutes, type UpstreamName } from '../routing/route-table.ts'

/** An OpenAPI document as @fastify/swagger renders it. */
export type OpenApiDocument = Record<string, unknown> & {
  paths: Record<string, Record<string, Record<string, unknown>>>
}

type Operation = Record<string, unknown> & {
  operationId?: string
  security?: Record<string, string[]>[]
  responses?: Record<string, Record<string, unknown>>
}

const methods = ['get', 'put', 'post', 'delete', 'patch'] as const

// Every code a public operation may carry, so that a response rebuilt for the edge keeps its meanings.
const knownCodes = new Map<string, ProblemCode>(
  [
    ...Object.values(kitProblemCodes),
    ...[usersErrorCodes, catalogErrorCodes, ordersErrorCodes, paymentsErrorCodes, orderHistoryErrorCodes].flatMap(
      (codes) => problemsOf(codes, ...(Object.keys(codes) as (keyof typeof codes)[])),
    ),
    ...problemsOf(gatewayErrorCodes, ...(Object.keys(gatewayErrorCodes) as (keyof typeof gatewayErrorCodes)[])),
  ].map((problem) => [problem.code, problem]),
)

// What the edge itself may answer on any public operation.
const edgeProblems = problemsOf(gatewayErrorCodes, 'GATEWAY_RATE_LIMITED', 'GATEWAY_SERVICE_UNAVAILABLE')
// The gateway signs the service tokens itself: a client never sees a service token refused.
const internalOnly = new Set([kitProblemCodes.serviceToken.code])

const rateLimitHeaders = {
  'X-RateLimit-Limit': { description: 'Requests allowed in the current window', schema: integer(1_000_000) },
  'X-RateLimit-Remaining': { description: 'Requests left in the current window', schema: integer(1_000_000) },
  'X-RateLimit-Reset': { description: 'Seconds until the window resets', schema: integer(86_400) },
}

// problemResponses renders headers as @fastify/swagger takes them (a JSON schema with its description), and
// this document does not go through @fastify/swagger: here they become OpenAPI header objects.
function openApiHeaders(response: Record<string, unknown>): Record<string, unknown> {
  const headers = response['headers'] as Record<string, { description?: string }> | undefined
  if (headers === undefined) return response
  const converted = Object.entries(headers).map(([name, { description, ...schema }]) => [name, { description, schema }])
  return { ...response, headers: Object.fromEntries(converted) }
}

function integer(maximum: number) {
  return { type: 'integer', format: 'int32', minimum: 0, maximum }
}

/** The codes a rendered problem response lists (see problemResponses in the service kit). */
function codesOf(response: Record<string, unknown>): ProblemCode[] {
  const content = response['content'] as Record<string, { schema?: { allOf?: unknown[] } }> | undefined
  const schema = Object.values(content ?? {})[0]?.schema
  const codes = (schema?.allOf?.[1] as { properties?: { code?: { enum?: string[] } } } | undefined)?.properties?.code
    ?.enum
  return (codes ?? []).map((code) => {
    const known = knownCodes.get(code)
    if (known === undefined) throw new Error(`the public API lists ${code}, which no contract or the kit publishes`)
    return known
  })
}

/** A service's operation as the edge exposes it: the access token instead of the service token, the edge's answers. */
function publicOperation(operation: Operation, path: string): Operation {
  const alternatives = operation.security ?? []
  // A gateway-owned operation names the access token already; a service's names its service and user tokens.
  const security = alternatives.some((requirement) => 'accessToken' in requirement)
    ? alternatives
    : [
        ...(alternatives.some((requirement) => 'userToken' in requirement) ? [{ accessToken: [] }] : []),
        ...(alternatives.some((requirement) => !('userToken' in requirement)) ? [{}] : []),
      ]
  const problems: ProblemCode[] = [...edgeProblems]
  // The gateway checks a given access token itself, before anything is forwarded.
  if (security.some((requirement) => 'accessToken' in requirement)) problems.push(kitProblemCodes.accessToken)
  if (path.includes('{')) problems.push(...problemsOf(gatewayErrorCodes, 'GATEWAY_PATH_NOT_CANONICAL'))
  const responses: Record<string, Record<string, unknown>> = {}
  for (const [status, response] of Object.entries(operation.responses ?? {})) {
    if (/^[45]\d\d$/.test(status) && status !== '500') problems.push(...codesOf(response))
    else responses[status] = response
  }
  const described = problemResponses(problems.filter((problem) => !internalOnly.has(problem.code))) as Record<
    string,
    Record<string, unknown>
  >
  const all = { ...responses, ...Object.fromEntries(Object.entries(described).map(([s, r]) => [s, openApiHeaders(r)])) }
  // @fastify/rate-limit sends these with every answer in the /api scope, the services' answers included.
  for (const [status, response] of Object.entries(all))
    if (/^[24]/.test(status))
      all[status] = { ...response, headers: { ...rateLimitHeaders, ...(response['headers'] ?? {}) } }
  return {
    ...operation,
    security,
    responses: Object.fromEntries(Object.entries(all).sort(([a], [b]) => a.localeCompare(b))),
  }
}

function mergeComponents(target: Record<string, unknown>, source: Record<string, unknown> | undefined, from: string) {
  for (const [name, schema] of Object.entries(source ?? {})) {
    if (name in target && !isDeepStrictEqual(target[name], schema))
      throw new Error(`component schema ${name} of ${from} differs from another service's`)
    target[name] = schema
  }
}

const accessTokenScheme = {
  ...edgeSecuritySchemes.accessToken,
  description:
    `${edgeSecuritySchemes.accessToken.description} Log in with \`POST /api/auth/login\` to get one (an ES256 ` +
    'JWT, valid for `expiresIn` seconds). Anonymous callers may browse products, register and log in.',
}

/**
 * The gateway's one description of the public API: every operation an end user can reach through the
 * route table, as the owning service describes it, under its public path, with the access token as its
 * security and the edge's own answers (rate limits, unavailable services) added; plus the operations the
 * gateway owns (composition). Operations only services may call (no user token in their security) are left
 * out: the gateway would forward them, and the service would refuse.
 */
export function publicApiDocument(
  gateway: OpenApiDocument,
  services: Readonly<Record<UpstreamName, OpenApiDocument>>,
): OpenApiDocument {
  const paths: Record<string, Record<string, Operation>> = {}
  const schemas: Record<string, unknown> = {}
  const operationIds = new Map<string, string>()
  const add = (path: string, method: string, operation: Operation) => {
    const id = operation.operationId ?? `${method} ${path}`
    const other = operationIds.get(id)
    if (other !== undefined) throw new Error(`operationId ${id} is used by ${other} and ${method} ${path}`)
    operationIds.set(id, `${method} ${path}`)
    ;(paths[path] ??= {})[method] = operation
  }
  for (const route of forwardRoutes) {
    const document = services[route.upstream]
    mergeComponents(schemas, (document['components'] as { schemas?: Record<string, unknown> })?.schemas, route.upstream)
    for (const [path, item] of Object.entries(document.paths)) {
      if (path !== route.target && !path.startsWith(`${route.target}/`)) continue
      const publicPath = route.prefix + path.slice(route.target.length)
      for (const method of methods) {
        const operation = item[method] as Operation | undefined
        if (operation === undefined) continue
        if (!(operation.security ?? []).some((requirement) => 'userToken' in requirement)) continue
        add(publicPath, method, publicOperation(operation, publicPath))
      }
    }
  }
  mergeComponents(schemas, (gateway['components'] as { schemas?: Record<string, unknown> })?.schemas, 'gateway')
  for (const [path, item] of Object.entries(gateway.paths)) {
    if (!path.startsWith('/api/')) continue
    for (const method of methods) {
      const operation = item[method] as Operation | undefined
      if (operation !== undefined && paths[path]?.[method] === undefined)
        add(path, method, publicOperation(operation, path))
    }
  }
  const used = new Set(
    Object.values(paths).flatMap((item) =>
      Object.values(item).flatMap((operation) => (operation['tags'] as string[]) ?? []),
    ),
  )
  const tags = [gateway, ...Object.values(services)].flatMap((document) => document['tags'] as { name: string }[])
  return {
    openapi: gateway['openapi'],
    info: {
      ...(gateway['info'] as Record<string, unknown>),
    },
    servers: [
      {
        url: '/',
        description:
          'The gateway that serves this document (local: http://127.0.0.1:8080 after npm start; production: behind TLS)',
        'x-internal': false,
      },
    ],
    tags: [...new Map(tags.filter((tag) => used.has(tag.name)).map((tag) => [tag.name, tag])).values()].sort((a, b) =>
      a.name.localeCompare(b.name),
    ),
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: { schemas, securitySchemes: { accessToken: accessTokenScheme } },
  }
}
