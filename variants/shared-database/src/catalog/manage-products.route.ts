import type { IdGenerator } from '@seams/core'
import { apiSecurity, problemsOf, requireRole, type ServiceApp, type Sql } from '@seams/service-kit'
import {
  AddProductRequest,
  AdjustStockRequest,
  ChangeProductRequest,
  IdParams,
  Product,
  catalogErrorCodes,
} from '@shop/catalog-contracts'
import { DuplicateSku, ProductNotFound, StockWouldGoNegative } from '../../../../services/catalog/src/errors.ts'
import { changeProduct, changeStock, insertProduct, lockProducts, recordStockAdjustment } from '../dal/index.ts'

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === '23505'

// Admins manage products as in the owned topology; the write is the whole story, no event follows it.
export function manageProductsRoutes(app: ServiceApp, deps: { sql: Sql; newId: IdGenerator }): void {
  const { sql } = deps

  // Admins add products; the SKU is unique.
  app.post(
    '/products',
    {
      schema: {
        summary: 'Add a product (admin)',
        operationId: 'addProduct',
        tags: ['products'],
        security: apiSecurity.user,
        problems: problemsOf(catalogErrorCodes, 'CATALOG_DUPLICATE_SKU'),
        body: AddProductRequest,
        response: { 201: Product },
      },
    },
    async (request, reply) => {
      requireRole(request, 'admin')
      const body = request.body
      try {
        const product = await sql.begin((tx) => insertProduct(tx, { id: deps.newId(), ...body }))
        return reply.code(201).send(product)
      } catch (error) {
        if (isUniqueViolation(error))
          throw new DuplicateSku(`A product with SKU ${body.sku} already exists`, { details: { sku: body.sku } })
        throw error
      }
    },
  )

  // Admins change name, description or price; orders already placed keep the price they captured.
  app.patch(
    '/products/:id',
    {
      schema: {
        summary: 'Change a product (admin)',
        operationId: 'changeProduct',
        tags: ['products'],
        security: apiSecurity.user,
        problems: problemsOf(catalogErrorCodes, 'CATALOG_PRODUCT_NOT_FOUND'),
        params: IdParams,
        body: ChangeProductRequest,
        response: { 200: Product },
      },
    },
    async (request) => {
      requireRole(request, 'admin')
      return sql.begin(async (tx) => {
        const changed = await changeProduct(tx, request.params.id, request.body)
        if (changed === undefined) throw new ProductNotFound(`No product ${request.params.id}`)
        return changed
      })
    },
  )

  // Admins record goods received (positive) or written off (negative); stock never goes below zero.
  app.post(
    '/products/:id/stock-adjustments',
    {
      schema: {
        summary: 'Adjust stock (admin)',
        operationId: 'adjustStock',
        tags: ['products'],
        security: apiSecurity.user,
        problems: problemsOf(catalogErrorCodes, 'CATALOG_PRODUCT_NOT_FOUND', 'CATALOG_STOCK_NEGATIVE'),
        params: IdParams,
        body: AdjustStockRequest,
        response: { 200: Product },
      },
    },
    async (request) => {
      const admin = requireRole(request, 'admin')
      const { delta, reason } = request.body
      const id = request.params.id
      return sql.begin(async (tx) => {
        const [current] = await lockProducts(tx, [id])
        if (current === undefined) throw new ProductNotFound(`No product ${id}`)
        if (current.stockOnHand + delta < 0) {
          throw new StockWouldGoNegative(`Stock of ${id} is ${current.stockOnHand}; it cannot change by ${delta}`, {
            details: { stockOnHand: current.stockOnHand },
          })
        }
        const [changed] = await changeStock(tx, new Map([[id, delta]]))
        await recordStockAdjustment(tx, { productId: id, delta, reason, adjustedBy: admin.id })
        return changed!
      })
    },
  )
}
