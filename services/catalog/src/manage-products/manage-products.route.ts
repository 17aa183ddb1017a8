import type { Clock, IdGenerator } from '@seams/core'
import type { Outbox } from '@seams/outbox'
import { apiSecurity, problemsOf, requireRole, type ServiceApp } from '@seams/service-kit'
import {
  AddProductRequest,
  AdjustStockRequest,
  ChangeProductRequest,
  IdParams,
  Product,
  catalogErrorCodes,
} from '@shop/catalog-contracts'
import { DuplicateSku, ProductNotFound, StockWouldGoNegative } from '../errors.ts'
import { productAdded, productChanged, stockChanged } from '../products/product-events.ts'
import { changeStock, lockProducts, productColumns, toProduct } from '../products/product-store.ts'

export interface ManageProductsDeps {
  outbox: Outbox
  newId: IdGenerator
  now: Clock
}

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === '23505'

export function manageProductsRoutes(app: ServiceApp, deps: ManageProductsDeps): void {
  const { outbox } = deps

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
        const product = await outbox.transaction(async (tx) => {
          const [row] = await tx`
          insert into products (id, sku, name, description, price_cents, currency, stock_on_hand)
          values (${deps.newId()}, ${body.sku}, ${body.name}, ${body.description}, ${body.priceCents}, ${body.currency}, ${body.stockOnHand})
          returning ${productColumns(tx)}`
          const added = toProduct(row as Parameters<typeof toProduct>[0])
          await outbox.enqueue(tx, productAdded(deps, added, request.trace))
          return added
        })
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
      const { name, description, priceCents, currency } = request.body
      return outbox.transaction(async (tx) => {
        const [row] = await tx`
        update products set
          name = coalesce(${name ?? null}, name),
          description = coalesce(${description ?? null}, description),
          price_cents = coalesce(${priceCents ?? null}::bigint, price_cents),
          currency = coalesce(${currency ?? null}, currency),
          version = version + 1, updated_at = now()
        where id = ${request.params.id}
        returning ${productColumns(tx)}`
        if (row === undefined) throw new ProductNotFound(`No product ${request.params.id}`)
        const changed = toProduct(row as Parameters<typeof toProduct>[0])
        await outbox.enqueue(tx, productChanged(deps, changed, request.trace))
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
      return outbox.transaction(async (tx) => {
        const [current] = await lockProducts(tx, [id])
        if (current === undefined) throw new ProductNotFound(`No product ${id}`)
        if (current.stockOnHand + delta < 0) {
          throw new StockWouldGoNegative(`Stock of ${id} is ${current.stockOnHand}; it cannot change by ${delta}`, {
            details: { stockOnHand: current.stockOnHand },
          })
        }
        const [changed] = await changeStock(tx, new Map([[id, delta]]))
        await tx`insert into stock_adjustments (product_id, delta, reason, adjusted_by) values (${id}, ${delta}, ${reason}, ${admin.id})`
        await outbox.enqueue(tx, stockChanged(deps, changed!, { delta, reason: 'adjusted' }, request.trace))
        return changed!
      })
    },
  )
}
