import type { RunningShop } from '@shop/launcher'
import postgres, { type Sql } from 'postgres'

export type DatabaseOwner = keyof RunningShop['databaseUrls']

/**
 * One small pool per service database, with that service's own role: the checks read each owner's
 * data where it lives, as an auditor would, instead of trusting any service's API or events.
 */
export interface ShopDatabases {
  readonly db: Record<DatabaseOwner, Sql>
  /** Owners that have the given toolkit table (an outbox only where a service publishes). */
  having(table: string): Promise<DatabaseOwner[]>
  close(): Promise<void>
}

export function openShopDatabases(shop: RunningShop): ShopDatabases {
  const owners = Object.keys(shop.databaseUrls) as DatabaseOwner[]
  const db = Object.fromEntries(
    owners.map((owner) => [owner, postgres(shop.databaseUrls[owner], { max: 2, onnotice: () => {} })]),
  ) as Record<DatabaseOwner, Sql>
  return {
    db,
    async having(table) {
      const found = await Promise.all(
        owners.map(async (owner) =>
          (await db[owner]`select to_regclass(${table}) is not null as present`)[0]!['present'] ? owner : undefined,
        ),
      )
      return found.filter((owner): owner is DatabaseOwner => owner !== undefined)
    },
    async close() {
      await Promise.all(owners.map((owner) => db[owner].end({ timeout: 5 })))
    },
  }
}
