export * from './http.ts'
export { ProductAddedV1, ProductChangedV1, StockChangedV1, catalogEvents } from './events.ts'
export { createCatalogClient } from './client.ts'
export type { CatalogClient, ReserveStockResult } from './client.ts'
