import type { SwaggerOptions } from '@fastify/swagger'
import {
  Forbidden,
  PROBLEM_CONTENT_TYPE,
  problemTitleOf,
  Unauthenticated,
  type ErrorCodeContract,
  type SeamsErrorClass,
} from '@seams/core'
import type { FastifySchema, RouteOptions } from 'fastify'
import { AccessTokenInvalid, IdentityProviderUnavailable, RequestInvalid, ServiceTokenInvalid } from './errors.ts'

declare module 'fastify' {
  interface FastifySchema {
    /**
     * The problem codes this route answers with, besides those every route of the kit may answer with
     * (validation, tokens, 500). They describe the route in its OpenAPI document; nothing checks them
     * at run time.
     */
    problems?: readonly ProblemCode[]
  }
}

/** A problem+json code with what its contract says about it. */
export interface ProblemCode extends ErrorCodeContract {
  readonly code: string
}

/** The named codes of a contract's code table, for a route's `problems`. */
export function problemsOf<C extends string>(
  codes: Readonly<Record<C, ErrorCodeContract>>,
  ...which: readonly C[]
): ProblemCode[] {
  return which.map((code) => ({ code, ...codes[code] }))
}

/** A toolkit error as a documented problem code. */
export function problemOf(error: SeamsErrorClass, status: number, meaning: string = error.defaultMessage): ProblemCode {
  return { code: error.code, status, title: problemTitleOf(status), meaning }
}

/**
 * Who may call a route, for its schema's `security` (checked by the kit and the route's handler; this only
 * describes it). Routes marked `public` have none; a route that declares nothing is for services only.
 */
export const apiSecurity = {
  /** Services only, with their own service token. */
  service: [{ serviceToken: [] }],
  /** A logged-in end user, whose access token an edge passes on beside its service token. */
  user: [{ serviceToken: [], userToken: [] }],
  /** An end user or not: the user's token is optional (anonymous visitors, services on their own behalf). */
  userOrService: [{ serviceToken: [], userToken: [] }, { serviceToken: [] }],
} as const satisfies Record<string, FastifySchema['security']>

/** What every service's document says about its tokens. */
export const serviceSecuritySchemes = {
  serviceToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'A token the calling service signs with its own Ed25519 key (EdDSA) for this service as audience, valid for ' +
      'about a minute. This service accepts only the callers it is configured with, and handles the JWT as RFC8725 ' +
      'advises: one algorithm, issuer, audience and expiry checked.',
  },
  userToken: {
    type: 'apiKey',
    in: 'header',
    name: 'x-user-token',
    description:
      "The end user's own access token (an ES256 JWT from the users service's POST /auth/login), passed on by the " +
      "edge; verified against the users service's public keys (JWKS), never taken on the caller's word.",
  },
} as const

/** What the edge's document says about end users' tokens. */
export const edgeSecuritySchemes = {
  accessToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      "An end user's access token from the identity provider, as `Authorization: Bearer <token>`. Verified at the " +
      'edge and again by each service, as RFC8725 advises: one algorithm, issuer, audience and expiry checked.',
  },
} as const

const problemSchemaId = 'Problem'

/** RFC 9457 problem details as every Seams service renders them. */
export const problemSchema = {
  type: 'object',
  description:
    "RFC 9457 problem details. `code` is stable and documented (docs/errors.md); extension members named in a code's " +
    'meaning (e.g. `productId`, `retryAfterSeconds`) may follow.',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', format: 'uri-reference', maxLength: 200, description: 'Always `about:blank`' },
    title: { type: 'string', maxLength: 100, description: "The status's reason phrase" },
    status: { type: 'integer', format: 'int32', minimum: 400, maximum: 599 },
    detail: { type: 'string', maxLength: 4000, pattern: '\\S', description: 'What happened to this request' },
    instance: { type: 'string', format: 'uri-reference', maxLength: 4000 },
    code: { type: 'string', pattern: '^[A-Z][A-Z0-9_]*$', maxLength: 100 },
    errors: {
      type: 'array',
      maxItems: 100,
      description: `With \`${RequestInvalid.code}\`: each field that failed validation`,
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: {
          field: { type: 'string', maxLength: 500, pattern: '^\\w', description: 'e.g. `body.items.0.quantity`' },
          message: { type: 'string', maxLength: 1000, pattern: '\\S' },
        },
      },
    },
  },
} as const

/** The codes the kit itself answers with, whatever a route's handler does. */
export const kitProblemCodes = {
  validation: problemOf(RequestInvalid, 400),
  bodyTooLarge: {
    code: 'FST_ERR_CTP_BODY_TOO_LARGE',
    status: 413,
    title: problemTitleOf(413),
    meaning: 'The body is larger than the service accepts.',
  },
  serviceToken: problemOf(ServiceTokenInvalid, 401),
  accessToken: problemOf(AccessTokenInvalid, 401, 'The access token is invalid or expired; log in again.'),
  noUser: problemOf(Unauthenticated, 401, 'This operation needs a logged-in user, and none came with the call.'),
  identityProvider: problemOf(IdentityProviderUnavailable, 503),
  forbidden: problemOf(Forbidden, 403, 'The caller, or the acting user, may not do this.'),
} as const satisfies Record<string, ProblemCode>

type RouteSchema = FastifySchema & { hide?: boolean }
type Security = readonly Readonly<Record<string, readonly string[]>>[]

const hasSuccess = (response: unknown) =>
  typeof response === 'object' && response !== null && Object.keys(response).some((status) => /^2/.test(status))

const hasInput = (schema: RouteSchema) =>
  schema.body !== undefined || schema.querystring !== undefined || schema.params !== undefined

// What the kit itself may answer on a route, whatever the handler does.
function kitProblems(schema: RouteSchema, security: Security, method: string): ProblemCode[] {
  const kit = kitProblemCodes
  const problems: ProblemCode[] = []
  if (hasInput(schema)) problems.push(kit.validation)
  if (schema.body !== undefined || ['POST', 'PUT', 'PATCH'].includes(method)) problems.push(kit.bodyTooLarge)
  if (security.length === 0) return problems
  const service = security.some((requirement) => 'serviceToken' in requirement)
  const user = security.some((requirement) => 'userToken' in requirement)
  if (service) problems.push(kit.serviceToken)
  if (user) problems.push(kit.accessToken, kit.noUser, kit.identityProvider)
  if (service) problems.push(kit.forbidden)
  return problems
}

// As @fastify/swagger takes a header: its JSON schema, with the description beside the type.
const retryAfter = {
  type: 'integer',
  format: 'int32',
  minimum: 0,
  maximum: 86_400,
  description: 'Seconds to wait before trying again',
}

const describeCodes = (codes: readonly ProblemCode[]) =>
  codes.map(({ code, meaning }) => `- \`${code}\`: ${meaning}`).join('\n')

/** OpenAPI responses for problem codes, one per status, each listing its codes. */
export function problemResponses(problems: readonly ProblemCode[]): Record<string, unknown> {
  const byStatus = new Map<number, ProblemCode[]>()
  for (const problem of problems) {
    const same = byStatus.get(problem.status) ?? []
    if (!same.some(({ code }) => code === problem.code)) same.push(problem)
    byStatus.set(problem.status, same)
  }
  const responses: Record<string, unknown> = {}
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[status] = {
      description: `${problemTitleOf(status)}:\n\n${describeCodes(codes)}`,
      ...(status === 429 ? { headers: { 'Retry-After': retryAfter } } : {}),
      content: {
        [PROBLEM_CONTENT_TYPE]: {
          schema: {
            allOf: [
              { $ref: `#/components/schemas/${problemSchemaId}` },
              { type: 'object', properties: { code: { type: 'string', enum: codes.map(({ code }) => code) } } },
            ],
          },
        },
      },
    }
  }
  return responses
}

const internalError = {
  500: {
    description: 'Internal Server Error: the service failed; it logs the cause and never describes it.',
    content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: `#/components/schemas/${problemSchemaId}` } } },
  },
}

/** Tags the kit's own routes carry. */
const kitTags: Record<string, string> = {
  health: 'Liveness and readiness, for orchestrators and the gateway; no token needed.',
  events: "The service's event feed, read by the services that follow its events.",
}

export interface OpenApiOptions {
  service: string
  title?: string
  description?: string
  version?: string
  /** Descriptions of the tags the routes use. */
  tags?: Readonly<Record<string, string>>
  /** Whether the routes take service tokens; the edge authenticates end users instead. */
  serviceTokens: boolean
}

/**
 * The @fastify/swagger options of a service: OpenAPI 3.1, security schemes, and, on every route, the
 * problem responses its contract names plus those the kit adds (validation, tokens, 500). Only the
 * document is changed: the routes' own schemas, and so validation and serialisation, stay as declared.
 */
export function openApiOptions(options: OpenApiOptions): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: options.title ?? `${options.service} API`,
        description: options.description,
        version: options.version ?? '1.0.0',
        license: { name: 'MIT', identifier: 'MIT' },
      },
      servers: [
        {
          url: '/',
          description:
            `The ${options.service} service where it runs ` +
            '(local: as npm start runs it; production: behind the gateway)',
          'x-internal': true,
        } as { url: string; description: string },
      ],
      components: {
        schemas: { [problemSchemaId]: problemSchema as unknown as Record<string, unknown> },
        securitySchemes: options.serviceTokens ? serviceSecuritySchemes : edgeSecuritySchemes,
      },
    },
    transform: ({ schema, url, route }) => {
      const routeSchema = (schema ?? {}) as RouteSchema
      if (routeSchema.hide === true) return { schema, url }
      const isPublic = (route as RouteOptions).config?.public === true
      const security: Security = isPublic
        ? []
        : ((routeSchema.security as Security | undefined) ?? (options.serviceTokens ? apiSecurity.service : []))
      const method = ([route.method].flat()[0] ?? 'GET').toUpperCase()
      const { problems = [], ...rest } = routeSchema
      return {
        url,
        schema: {
          ...rest,
          operationId: rest.operationId ?? operationIdOf(method, url),
          ...(options.serviceTokens || security.length > 0 ? { security: security as FastifySchema['security'] } : {}),
          response: {
            // @fastify/swagger adds this itself only to a route that declares no response at all.
            ...(hasSuccess(rest.response) ? {} : { 200: { description: 'Default Response' } }),
            ...(rest.response as Record<string, unknown> | undefined),
            ...problemResponses([...problems, ...kitProblems(routeSchema, security, method)]),
            ...internalError,
          },
        } as FastifySchema,
      }
    },
    transformObject: (documentObject) => {
      // Registered with `openapi` options, so the document is always an OpenAPI one.
      const { openapiObject } = documentObject as Extract<typeof documentObject, { openapiObject: unknown }>
      const used = new Set<string>()
      for (const item of Object.values(openapiObject.paths ?? {}))
        for (const operation of Object.values(item as Record<string, { tags?: string[] }>))
          for (const tag of operation.tags ?? []) used.add(tag)
      const descriptions = { ...kitTags, ...options.tags }
      return {
        ...openapiObject,
        tags: [...used].sort().map((name) => ({ name, description: descriptions[name] ?? name })),
      }
    },
  }
}

// A route without an operationId still gets a stable one: `GET /users/{id}/orders` is `getUsersByIdOrders`.
function operationIdOf(method: string, url: string): string {
  const words = url
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => (segment.startsWith(':') ? `by-${segment.slice(1)}` : segment))
    .flatMap((segment) => segment.split(/[^A-Za-z0-9]+/))
    .filter((word) => word !== '')
  return [method.toLowerCase(), ...words.map((word) => word[0]!.toUpperCase() + word.slice(1))].join('')
}
