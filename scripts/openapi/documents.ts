import { publicApiDocument, type OpenApiDocument } from '../../services/gateway/src/api-docs/public-api.ts'
import type { UpstreamName } from '../../services/gateway/src/routing/route-table.ts'
import { serviceDocument } from './service-documents.ts'

/** Every document the shop serves: each service's `/openapi.json`, and the gateway's public one. */
export async function allDocuments(): Promise<Record<UpstreamName | 'gateway', OpenApiDocument>> {
  const services = {
    users: await serviceDocument('users'),
    catalog: await serviceDocument('catalog'),
    orders: await serviceDocument('orders'),
    payments: await serviceDocument('payments'),
    'order-history': await serviceDocument('order-history'),
  }
  // As the gateway assembles it at run time from the services' documents and its own routes.
  return { ...services, gateway: publicApiDocument(await serviceDocument('gateway'), services) }
}
