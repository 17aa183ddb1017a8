import { IdParams, ListProductsQuery, Product, ProductPage, catalogErrorCodes } from '@shop/catalog-contracts'
import { apiSecurity, problemsOf, type ServiceApp, type Sql } from '@seams/service-kit'
import { InvalidCursor, ProductNotFound } from '../errors.ts'
import { findProduct, productColumns, toProduct } from '../products/product-store.ts'

const encodeCursor = (sku: string) => Buffer.from(sku, 'utf8').toString('base64url')

function decodeCursor(cursor: string): string {
  const sku = Buffer.from(cursor, 'base64url').toString('utf8')
  if (sku === '' || encodeCursor(sku) !== cursor) throw new InvalidCursor()
  return sku
}

export function browseProductsRoutes(app: ServiceApp, deps: { sql: Sql }): void {
  const { sql } = deps

  // Products in SKU order, a page at a time; nextCursor continues where the page ended.
  app.get(
    '/products',
    {
      schema: {
        summary: 'List products',
        operationId: 'listProducts',
        tags: ['products'],
        security: apiSecurity.userOrService,
        problems: problemsOf(catalogErrorCodes, 'CATALOG_INVALID_CURSOR'),
        querystring: ListProductsQuery,
        response: { 200: ProductPage },
      },
    },
    async (request) => {
      const { limit, after } = request.query
      const rows = await sql`
      select ${productColumns(sql)} from products
      ${after === undefined ? sql`` : sql`where sku > ${decodeCursor(after)}`}
      order by sku limit ${limit + 1}`
      const items = rows.slice(0, limit).map((row) => toProduct(row as Parameters<typeof toProduct>[0]))
      return { items, nextCursor: rows.length > limit ? encodeCursor(items.at(-1)!.sku) : null }
    },
  )

  // One product, with its current stock.
  app.get(
    '/products/:id',
    {
      schema: {
        summary: 'Get a product',
        operationId: 'getProduct',
        tags: ['products'],
        security: apiSecurity.userOrService,
        problems: problemsOf(catalogErrorCodes, 'CATALOG_PRODUCT_NOT_FOUND'),
        params: IdParams,
        response: { 200: Product },
      },
    },
    async (request) => {
      const product = await findProduct(sql, request.params.id)
      if (product === undefined) throw new ProductNotFound(`No product ${request.params.id}`)
      return product
    },
  )
}
