import { withDeadline } from '@seams/core'
import { UpstreamUnavailable, type RawResponse } from '@seams/http-client'
import type { ServiceApp } from '@seams/service-kit'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { PathNotCanonical, ServiceUnavailable } from '../errors.ts'
import { clientResponseHeaders, upstreamRequestHeaders } from './forwarded-headers.ts'
import { resolveRoute, type ForwardRoute } from './route-table.ts'
import type { Upstream, Upstreams } from './upstreams.ts'

export interface ForwardingDeps {
  routes: readonly ForwardRoute[]
  upstreams: Upstreams
  /** Longest wait for a service's answer, retries included. */
  timeoutMs: number
}

// HEAD comes with GET (Fastify adds it); OPTIONS is left out until the API serves browsers of other origins.
const forwardedMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const

/** Passes the client's request on to `upstream` at `path` and returns its answer as it is. */
export async function forwardTo(
  upstream: Upstream,
  request: FastifyRequest,
  path: string,
  timeoutMs: number,
): Promise<RawResponse> {
  try {
    // The per-attempt timeout alone would let retries stretch a client's wait to a multiple of it.
    return await withDeadline(timeoutMs, (signal) =>
      upstream.client.forward({
        method: request.method,
        path,
        headers: upstreamRequestHeaders(request.headers, request.id),
        body: Buffer.isBuffer(request.body) ? request.body : undefined,
        userToken: request.endUserToken,
        trace: request.trace,
        signal,
      }),
    )
  } catch (error) {
    if (!(error instanceof UpstreamUnavailable)) throw error
    // The client learns which service is down, not how the gateway reaches it.
    throw new ServiceUnavailable(`The ${upstream.name} service is unavailable; try again shortly`, {
      cause: error,
      details: { service: upstream.name },
    })
  }
}

export function sendForwarded(reply: FastifyReply, response: RawResponse): FastifyReply {
  return reply.code(response.status).headers(clientResponseHeaders(response.headers)).send(response.body)
}

function forwardRequest(deps: ForwardingDeps) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    // Matched on the raw target: Fastify's router decodes the path, the forwarded URL must not be.
    const resolution = resolveRoute(deps.routes, request.url)
    if (resolution.kind === 'no_route') return reply.callNotFound()
    if (resolution.kind === 'unsafe_path') throw new PathNotCanonical()
    return sendForwarded(
      reply,
      await forwardTo(deps.upstreams[resolution.upstream], request, resolution.path, deps.timeoutMs),
    )
  }
}

/**
 * Plain forwarding for every prefix of the route table. A method and path already registered on `app`
 * (a gateway-owned route such as a composed or cached read) is skipped, so owned routes registered
 * before this take precedence; more specific owned paths (`/api/orders/:id/details`) win over the
 * prefix wildcards in Fastify's router in any case.
 */
export function forwardingRoutes(app: ServiceApp, deps: ForwardingDeps): void {
  // Bodies pass on as the bytes that came in: no parse, no re-serialisation, and the service validates.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body))
  const handler = forwardRequest(deps)
  for (const route of deps.routes) {
    for (const url of [route.prefix, `${route.prefix}/*`]) {
      const method = forwardedMethods.filter((candidate) => !app.hasRoute({ method: candidate, url }))
      if (method.length === 0) continue
      const summary = `Forwarded to the ${route.upstream} service as ${route.target}${url.endsWith('*') ? '/*' : ''}`
      const description =
        `Answered by the ${route.upstream} service, whose own OpenAPI document describes the resources. ` +
        'The gateway adds 401 (invalid token), 413, 429 and 503 (service unavailable) as problem+json.'
      // hide: the public API description lists the owners' own operations under each prefix instead.
      app.route({ method, url, schema: { summary, description, hide: true }, handler })
    }
  }
}
