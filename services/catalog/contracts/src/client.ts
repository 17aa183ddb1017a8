import type { CallContext, HttpClient } from '@seams/http-client'
import type {
  AddProductRequest,
  ListProductsQuery,
  Product,
  ProductPage,
  Reservation,
  ReserveStockRequest,
} from './http.ts'

export type ReserveStockResult =
  { ok: true; reservation: Reservation } | { ok: false; reason: 'OUT_OF_STOCK' | 'UNKNOWN_PRODUCT'; productId: string }

interface ProblemBody {
  code?: string
  productId?: string
}

/** Typed calls to the catalog service; transport, retries and tokens come from the given HttpClient. */
export function createCatalogClient(http: HttpClient) {
  return {
    async getProduct(id: string, context: CallContext = {}): Promise<Product | undefined> {
      const response = await http.call<Product>(
        { method: 'GET', path: `/products/${encodeURIComponent(id)}`, ...context },
        [404],
      )
      return response.status === 404 ? undefined : response.body
    },

    async listProducts(query: Partial<ListProductsQuery> = {}, context: CallContext = {}): Promise<ProductPage> {
      return (await http.call<ProductPage>({ method: 'GET', path: '/products', query, ...context })).body
    },

    async addProduct(request: AddProductRequest, context: CallContext = {}): Promise<Product> {
      return (await http.call<Product>({ method: 'POST', path: '/products', body: request, ...context })).body
    },

    /** Reserves all items or none; safe to repeat with the same reservationId. */
    async reserveStock(request: ReserveStockRequest, context: CallContext = {}): Promise<ReserveStockResult> {
      const response = await http.call<Reservation | ProblemBody>(
        { method: 'POST', path: '/reservations', body: request, idempotencyKey: request.reservationId, ...context },
        [409, 422],
      )
      if (response.status === 201 || response.status === 200)
        return { ok: true, reservation: response.body as Reservation }
      const problem = response.body as ProblemBody
      return {
        ok: false,
        reason: problem.code === 'CATALOG_OUT_OF_STOCK' ? 'OUT_OF_STOCK' : 'UNKNOWN_PRODUCT',
        productId: problem.productId ?? '',
      }
    },

    /** Returns the stock of a reservation; releasing twice is a no-op. Undefined when it never existed. */
    async releaseStock(reservationId: string, context: CallContext = {}): Promise<Reservation | undefined> {
      const response = await http.call<Reservation>(
        {
          method: 'POST',
          path: `/reservations/${encodeURIComponent(reservationId)}/release`,
          idempotencyKey: reservationId,
          ...context,
        },
        [404],
      )
      return response.status === 404 ? undefined : response.body
    },
  }
}

export type CatalogClient = ReturnType<typeof createCatalogClient>
