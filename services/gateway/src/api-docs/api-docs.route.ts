import swaggerUi from '@fastify/swagger-ui'
import { UpstreamRejected, UpstreamUnavailable } from '@seams/http-client'
import type { ServiceApp } from '@seams/service-kit'
import { ServiceUnavailable } from '../errors.ts'
import { upstreamNames, type UpstreamName } from '../routing/route-table.ts'
import type { Upstreams } from '../routing/upstreams.ts'
import { publicApiDocument, type OpenApiDocument } from './public-api.ts'

export interface PublicApiDocs {
  /** The public API's description, assembled from the services' own documents and kept for a while. */
  document(): Promise<OpenApiDocument>
  /** The last document assembled, for a synchronous reader that awaited `document()` first. */
  latest(): OpenApiDocument | undefined
}

export interface PublicApiDocsOptions {
  /**
   * How long an assembled document is served before the services are asked again.
   * @default 60000
   */
  ttlMs?: number
}

/**
 * The public API's description, assembled at the edge from each service's `/openapi.json` (so a service
 * deployed with a changed API changes the description without the gateway being rebuilt), and from the
 * gateway's own routes. A service that cannot be asked fails the request with 503: a description with a
 * service missing would tell clients that its operations do not exist.
 */
export function createPublicApiDocs(
  upstreams: Upstreams,
  own: () => OpenApiDocument,
  options: PublicApiDocsOptions = {},
): PublicApiDocs {
  const ttlMs = options.ttlMs ?? 60_000
  let cached: { at: number; document: Promise<OpenApiDocument> } | undefined
  let latest: OpenApiDocument | undefined

  const fetchDocument = async (name: UpstreamName): Promise<[UpstreamName, OpenApiDocument]> => {
    try {
      const response = await upstreams[name].client.call<OpenApiDocument>({ method: 'GET', path: '/openapi.json' })
      return [name, response.body]
    } catch (error) {
      if (!(error instanceof UpstreamUnavailable || error instanceof UpstreamRejected)) throw error
      throw new ServiceUnavailable(`The ${name} service's API description is unavailable; try again shortly`, {
        cause: error,
        details: { service: name },
      })
    }
  }

  const assemble = async () => {
    const documents = Object.fromEntries(await Promise.all(upstreamNames.map(fetchDocument)))
    latest = publicApiDocument(own(), documents as Record<UpstreamName, OpenApiDocument>)
    return latest
  }

  return {
    document() {
      const now = Date.now()
      if (cached === undefined || now - cached.at >= ttlMs) {
        const document = assemble()
        cached = { at: now, document }
        // A failed assembly is not kept: the next request asks the services again.
        document.catch(() => {
          if (cached?.document === document) cached = undefined
        })
      }
      return cached.document
    },
    latest: () => latest,
  }
}

/**
 * The browsable API reference at `/docs`: Swagger UI, served from the package's own files (no CDN), reading
 * the same public description as `/openapi.json`.
 */
export async function apiReferenceRoutes(app: ServiceApp, docs: PublicApiDocs): Promise<void> {
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { deepLinking: true, displayOperationId: true },
    // Swagger UI reads the description synchronously, so the hook makes sure a fresh one is in hand.
    uiHooks: {
      preHandler: async (request) => {
        if (['/docs/json', '/docs/yaml'].includes(request.url.split('?')[0]!)) await docs.document()
      },
    },
    transformSpecification: () => docs.latest() ?? {},
    transformSpecificationClone: false,
  })
}
