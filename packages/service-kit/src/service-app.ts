import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http'
import swagger from '@fastify/swagger'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import {
  Forbidden,
  parseTraceparent,
  startSpan,
  traceContextOf,
  USER_TOKEN_HEADER,
  type TraceContext,
} from '@seams/core'
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify'
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import { registerHealthRoutes, type ReadinessCheck } from './health.ts'
import { deferredChild } from './logger.ts'
import { nameServerSpan, serverSpanOf, tracedRequestListener } from './http-server-tracing.ts'
import { createHttpDurationHistogram } from './metrics.ts'
import { openApiOptions } from './openapi.ts'
import { installProblemHandlers } from './problem-handler.ts'
import type { Caller, ServiceAuth } from './service-auth.ts'
import { ServiceTokenInvalid } from './errors.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** This hop's W3C trace context; its trace id comes from the caller's `traceparent` when given. */
    trace: TraceContext
    /** The verified caller behind the request (see authorization.ts); absent on public routes. */
    caller: Caller | undefined
  }
  interface FastifyContextConfig {
    /** Reachable without a service token (health, metrics, public keys). */
    public?: boolean
  }
}

export type ServiceApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>

export interface ServiceAppOptions {
  service: string
  logger: Logger
  metrics: Registry
  /** Verifies service tokens (and forwarded users) on every route not marked `public`; omitted only at the edge. */
  auth?: ServiceAuth
  /** Conditions for `GET /health/ready`, by name. */
  readiness?: Record<string, ReadinessCheck>
  /**
   * Largest accepted request body in bytes.
   * @default 1048576
   */
  bodyLimit?: number
  openapi?: {
    title?: string
    description?: string
    version?: string
    /** Descriptions of the tags the routes use, by tag. */
    tags?: Readonly<Record<string, string>>
    /**
     * What to serve at `/openapi.json` instead of the document this app's routes describe, e.g. the edge's
     * description of the whole public API. `app.swagger()` still returns the routes' own.
     */
    document?: () => Promise<Readonly<Record<string, unknown>>>
  }
  limits?: ConnectionLimits
  /**
   * On a port clients reach (the edge's): `/metrics` and readiness detail answer only these operator
   * identities, and readiness tells everyone else just ready or not. Without it both are served to
   * anyone, as fits a service's internal port.
   */
  operations?: { auth: ServiceAuth; operators: readonly string[] }
}

/** What a client may hold of a server: none of it unbounded, so a slow or idle client cannot pin it. */
export interface ConnectionLimits {
  /**
   * Longest time to receive a whole request, headers and body: a client trickling its body is cut off.
   * @default 15000
   */
  requestTimeoutMs?: number
  /**
   * Longest silence on a socket, a long-poll's wait included.
   * @default 120000
   */
  connectionTimeoutMs?: number
  /**
   * How long an idle keep-alive connection stays open between requests.
   * @default 72000
   */
  keepAliveTimeoutMs?: number
  /**
   * Open connections at once; further ones are refused.
   * @default 10000
   */
  maxConnections?: number
}

const requestIdPattern = /^[\w.:-]{1,128}$/

/**
 * The Fastify app every service is built on: TypeBox schemas for validation and OpenAPI, request ids,
 * trace context, service-token checks, health, Prometheus metrics and problem+json errors. It never
 * listens: `main.ts` does, so tests can drive it with `inject`.
 */
export async function createServiceApp(options: ServiceAppOptions): Promise<ServiceApp> {
  const spans = new WeakMap<IncomingMessage, TraceContext>()
  const spanOf = (raw: IncomingMessage): TraceContext => {
    let span = spans.get(raw)
    if (span === undefined) {
      const server = serverSpanOf(raw)
      const header = raw.headers['traceparent']
      span =
        server === undefined
          ? startSpan(parseTraceparent(typeof header === 'string' ? header : undefined))
          : traceContextOf(server)
      spans.set(raw, span)
    }
    return span
  }
  const app = Fastify({
    loggerInstance: options.logger,
    // Per-request lines would cost more CPU than the requests at benchmark rates; 5xx are logged below.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'request_id' }),
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    serverFactory: (handler) => boundedServer(tracedRequestListener(handler), options.limits ?? {}),
    genReqId: (request) => {
      const given = request.headers['x-request-id']
      // randomUUID draws on a buffered pool; time-ordered ids (newId) cost a system call each, per request.
      return typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID()
    },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true } },
    // The request's span is started where Fastify makes the request's logger, so one child logger carries
    // the request id and the trace ids (a second child per request was measurable at benchmark rates).
    // A request in a recording server span needs no trace bindings: the logger's mixin adds the active span's.
    childLoggerFactory: (logger, bindings, childOptions, raw) => {
      // Fastify's logger here is the pino instance given as loggerInstance.
      const parent = logger as Logger
      if (serverSpanOf(raw) !== undefined) return deferredChild(parent, bindings, childOptions)
      const trace = spanOf(raw)
      return deferredChild(parent, { ...bindings, trace_id: trace.traceId, span_id: trace.spanId }, childOptions)
    },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as ServiceApp

  installProblemHandlers(app)
  await app.register(
    swagger,
    openApiOptions({
      service: options.service,
      title: options.openapi?.title,
      description: options.openapi?.description,
      version: options.openapi?.version,
      tags: options.openapi?.tags,
      serviceTokens: options.auth !== undefined,
    }),
  )
  const document = options.openapi?.document
  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () =>
    document === undefined ? app.swagger() : document(),
  )

  app.decorateRequest('trace', null as unknown as TraceContext)
  app.decorateRequest('caller', undefined)
  app.addHook('onRequest', async (request, reply) => {
    request.trace = spanOf(request.raw)
    nameServerSpan(request.raw, request.method, request.routeOptions.url)
    reply.header('x-request-id', request.id)
    // Unmatched URLs fall through to the 404 handler without revealing whether a token would help.
    if (
      options.auth === undefined ||
      request.routeOptions.config?.public === true ||
      request.routeOptions.url === undefined
    )
      return
    const authorization = request.headers.authorization
    if (authorization === undefined || !authorization.startsWith('Bearer '))
      throw new ServiceTokenInvalid('A service token is required (Authorization: Bearer)')
    const userToken = request.headers[USER_TOKEN_HEADER]
    request.caller = await options.auth.authenticate(
      authorization.slice('Bearer '.length),
      typeof userToken === 'string' ? userToken : undefined,
    )
  })

  const duration = createHttpDurationHistogram(options.metrics)
  app.addHook('onResponse', async (request, reply) => {
    duration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    )
    if (reply.statusCode >= 500)
      request.log.warn(
        { status: reply.statusCode, url: request.url, ms: reply.elapsedTime },
        'request answered with a server error',
      )
  })
  const isOperator = operatorCheck(options.operations)
  app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
    if (!(await isOperator(request.headers.authorization))) throw new Forbidden('Metrics are for operators')
    return reply.type(options.metrics.contentType).send(await options.metrics.metrics())
  })
  registerHealthRoutes(app, options.service, options.readiness ?? {}, {
    showDetail: (request) => isOperator(request.headers.authorization),
  })
  return app
}

function operatorCheck(
  operations: ServiceAppOptions['operations'],
): (authorization: string | undefined) => Promise<boolean> {
  if (operations === undefined) return async () => true
  return async (authorization) => {
    if (authorization === undefined || !authorization.startsWith('Bearer ')) return false
    const caller = await operations.auth
      .authenticate(authorization.slice('Bearer '.length), undefined)
      .catch(() => undefined)
    return caller?.kind === 'service' && operations.operators.includes(caller.service)
  }
}

// The server made here rather than by Fastify: Node looks for requests over their deadline every 30 s unless
// told otherwise at creation, which would let a slow client hold on for half a minute past the limit.
// (Fastify applies none of its own timeouts to a server it is given, so all of them are set here.)
function boundedServer(handler: RequestListener, limits: ConnectionLimits): Server {
  const requestTimeout = limits.requestTimeoutMs ?? 15_000
  const server = createServer(
    {
      requestTimeout,
      headersTimeout: requestTimeout,
      keepAliveTimeout: limits.keepAliveTimeoutMs ?? 72_000,
      connectionsCheckingInterval: 1000,
    },
    handler,
  )
  server.timeout = limits.connectionTimeoutMs ?? 120_000
  server.maxConnections = limits.maxConnections ?? 10_000
  return server
}
