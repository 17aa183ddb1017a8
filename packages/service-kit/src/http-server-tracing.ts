import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api'
import { tracingEnabled } from '@seams/core'
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
  ATTR_URL_QUERY,
  ATTR_URL_SCHEME,
} from '@opentelemetry/semantic-conventions'

const serverSpans = new WeakMap<IncomingMessage, Span>()

// Probes and scrapes arrive every few seconds from every poller; a trace each would bury the real ones.
const untraced = new Set(['/health/live', '/health/ready', '/metrics'])

/**
 * Wraps a server's request listener so that each request runs in an HTTP server span, a child of the
 * caller's `traceparent` (W3C propagation): Fastify's hooks, the handler and everything they start run
 * with that span active, the request's and response's events included. Without a tracer provider the
 * listener is returned as it is.
 */
export function tracedRequestListener(handler: RequestListener): RequestListener {
  return (request: IncomingMessage, response: ServerResponse) => {
    if (!tracingEnabled()) return handler(request, response)
    const url = request.url ?? '/'
    const queryAt = url.indexOf('?')
    const path = queryAt === -1 ? url : url.slice(0, queryAt)
    if (untraced.has(path)) return handler(request, response)
    const parent = propagation.extract(ROOT_CONTEXT, request.headers)
    const method = request.method ?? 'GET'
    const span = trace.getTracer('@seams/service-kit').startSpan(
      method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: method,
          [ATTR_URL_PATH]: path,
          [ATTR_URL_SCHEME]: 'http',
          ...(queryAt === -1 ? {} : { [ATTR_URL_QUERY]: url.slice(queryAt + 1) }),
          ...(request.socket.remoteAddress === undefined
            ? {}
            : { [ATTR_CLIENT_ADDRESS]: request.socket.remoteAddress }),
        },
      },
      parent,
    )
    serverSpans.set(request, span)
    let ended = false
    const end = () => {
      if (ended) return
      ended = true
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.statusCode)
      if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR })
      // A client that went away before the answer was written.
      if (!response.writableFinished) span.setStatus({ code: SpanStatusCode.ERROR, message: 'connection closed' })
      span.end()
    }
    response.once('finish', end)
    response.once('close', end)
    const active = trace.setSpan(parent, span)
    context.with(active, () => {
      // The body arrives in events of the request: its listeners (and so the handler) keep the span too.
      context.bind(active, request)
      context.bind(active, response)
      handler(request, response)
    })
  }
}

/** The request's server span, when it has one (a real socket and a tracer provider). */
export function serverSpanOf(request: IncomingMessage): Span | undefined {
  return serverSpans.get(request)
}

/** Names the request's server span after its route template once Fastify has matched it. */
export function nameServerSpan(request: IncomingMessage, method: string, route: string | undefined): void {
  const span = serverSpans.get(request)
  if (span === undefined || route === undefined) return
  span.updateName(`${method} ${route}`)
  span.setAttribute(ATTR_HTTP_ROUTE, route)
}
