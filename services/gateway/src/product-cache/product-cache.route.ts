import type { ServiceApp } from '@seams/service-kit'
import type { FastifyReply, FastifyRequest } from 'fastify'
import Type, { type Static } from 'typebox'
import { PathNotCanonical } from '../errors.ts'
import { forwardTo, sendForwarded } from '../routing/forwarding.route.ts'
import { resolveRoute, type ForwardRoute } from '../routing/route-table.ts'
import type { Upstream } from '../routing/upstreams.ts'
import type { Cached, ProductCache } from './product-cache.ts'

const ProductParams = Type.Object({ id: Type.String({ format: 'uuid' }) })

function answer(reply: FastifyReply, cached: Cached): FastifyReply {
  if (cached.hit) return reply.header('x-cache', 'hit').type('application/json').send(cached.json)
  return sendForwarded(reply.header('x-cache', 'miss'), cached.loaded)
}

/**
 * Gateway-owned product reads: served from the product cache, filled from the catalog on a miss.
 * Everything else under /api/products is plain forwarding.
 */
export function productCacheRoutes(
  app: ServiceApp,
  deps: { products: ProductCache; catalog: Upstream; routes: readonly ForwardRoute[]; timeoutMs: number },
): void {
  const load = (request: FastifyRequest, path: string) => () => forwardTo(deps.catalog, request, path, deps.timeoutMs)

  // The raw target is judged as forwarding judges it, before the params are: Fastify's router matched the
  // decoded path, so `/api/%70roducts` and `/api/products/..%2Freservations` land here as well.
  const onRequest = async (request: FastifyRequest, reply: FastifyReply) => {
    const resolution = resolveRoute(deps.routes, request.url)
    if (resolution.kind === 'unsafe_path') throw new PathNotCanonical()
    if (resolution.kind === 'no_route') {
      reply.callNotFound()
      return reply
    }
  }

  // One product, as the catalog last described it (header x-cache: hit or miss).
  app.get<{ Params: Static<typeof ProductParams> }>(
    '/api/products/:id',
    {
      onRequest,
      // hide: the public API description takes the catalog's own description of this operation.
      schema: { summary: 'Get a product (cached at the gateway)', hide: true, params: ProductParams },
    },
    async (request, reply) =>
      answer(reply, await deps.products.product(request.params.id, load(request, `/products/${request.params.id}`))),
  )

  // A page of products; the query string is passed on as it came and is part of the cache key.
  app.get(
    '/api/products',
    { onRequest, schema: { summary: 'List products (cached at the gateway)', hide: true } },
    async (request, reply) => {
      const resolution = resolveRoute(deps.routes, request.url)
      if (resolution.kind !== 'forward') throw new PathNotCanonical()
      return answer(reply, await deps.products.page(resolution.path, load(request, resolution.path)))
    },
  )
}
