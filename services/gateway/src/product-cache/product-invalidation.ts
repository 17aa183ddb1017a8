import type { Subscription, Transport } from '@seams/core'
import type { ProductCache } from './product-cache.ts'

/**
 * Follows the catalog's events from now on, in memory only (the gateway has no database): a restart
 * starts again from the newest event, and anything missed meanwhile is bounded by the cache's TTL.
 */
export function followCatalogChanges(transport: Transport, products: ProductCache, replica: string): Subscription {
  return transport.subscribe(
    {
      source: 'catalog',
      consumer: `gateway.product-cache.${replica}`,
      types: ['catalog.ProductAdded', 'catalog.ProductChanged', 'catalog.StockChanged'],
      startAt: 'now',
      resumeAfter: async () => 0,
    },
    async (events) => {
      for (const event of events) await products.invalidate(event)
    },
  )
}
