import type { CallContext, HttpClient } from '@seams/http-client'
import { reserveStockProblemCodes, type ReserveStockProblemCode } from './errors.ts'
import type {
  AddProductRequest,
  ListProductsQuery,
  Product,
  ProductPage,
  Reservation,
  ReserveStockRequest,
} from './http.ts'

export type ReserveStockResult =
  | { ok: true; reservation: Reservation }
  | { ok: false; reason: 'OUT_OF_STOCK' | 'UNKNOWN_PRODUCT'; productId: string }
  /** The reservation id was used before with other items. */
  | { ok: false; reason: 'RESERVATION_MISMATCH'; productId?: undefined }

interface ReservationProblem {
  code: ReserveStockProblemCode
  productId?: string
}

// One entry per code the route refuses with: a code added to the contract fails to compile until mapped here.
const reservationRefusals = {
  CATALOG_OUT_OF_STOCK: (problem) => ({ ok: false, reason: 'OUT_OF_STOCK', productId: problem.productId ?? '' }),
  CATALOG_UNKNOWN_PRODUCT: (problem) => ({ ok: false, reason: 'UNKNOWN_PRODUCT', productId: problem.productId ?? '' }),
  CATALOG_RESERVATION_MISMATCH: () => ({ ok: false, reason: 'RESERVATION_MISMATCH' }),
} satisfies Record<ReserveStockProblemCode, (problem: ReservationProblem) => ReserveStockResult>

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
      // Only these codes resolve; any other 4xx is a contract mismatch the HTTP client throws as such.
      const response = await http.call<Reservation | ReservationProblem>(
        { method: 'POST', path: '/reservations', body: request, idempotencyKey: request.reservationId, ...context },
        reserveStockProblemCodes,
      )
      if (response.status === 201 || response.status === 200)
        return { ok: true, reservation: response.body as Reservation }
      const problem = response.body as ReservationProblem
      return reservationRefusals[problem.code](problem)
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
