import { browseProductsRoutes } from '../../../../services/catalog/src/browse-products/browse-products.route.ts'
import { CatalogConfig } from '../../../../services/catalog/src/config.ts'
import { startSharedService } from '../shared-service.ts'
import { manageProductsRoutes } from './manage-products.route.ts'

// Catalog on the shared database. It serves no reservations: orders' checkout takes stock itself, in its
// own transaction on this service's table.
await startSharedService({
  service: 'catalog',
  config: CatalogConfig,
  openapi: {
    title: 'Catalog',
    description: 'Products and their stock, in the shared database.',
    tags: { products: 'Products and stock' },
  },
  routes({ app, sql, newId }) {
    browseProductsRoutes(app, { sql })
    manageProductsRoutes(app, { sql, newId })
  },
})
