import type { DeliveredEvent } from '@seams/core'
import type { EventHandler } from '@seams/inbox'
import type { Sql, TransactionSql } from 'postgres'

export interface ProjectionSource {
  /** The producing service. */
  source: string
  /** Handlers that write into `table`: the live table, or a fresh one during a rebuild. */
  handlers(table: string): readonly EventHandler[]
  /**
   * The key of the one row each event writes. When every source of a read model names it, their consumers
   * apply each batch in key order and run side by side; otherwise they take turns on the table.
   */
  rowKey?: (event: DeliveredEvent) => string
}

/**
 * A read model: a table owned by the consuming service, filled only from events, disposable and
 * rebuildable. Its table is not a migration: `createTable` makes it (with unnamed indexes, so a fresh
 * copy can sit beside it) whenever one is needed.
 */
export interface Projection {
  /** The live table's name, e.g. `order_history`. */
  name: string
  createTable(sql: Sql | TransactionSql, table: string): Promise<void>
  sources: readonly ProjectionSource[]
}

export function defineProjection(projection: Projection): Projection {
  if (!/^[a-z_][a-z0-9_]{0,40}$/.test(projection.name))
    throw new TypeError(`projection name ${projection.name} must be a plain lower-case identifier`)
  return projection
}

/**
 * How a source's consumer keeps clear of the others writing `table`. Consumers of different sources write the
 * same rows (an order's entry gets the order's events and the payment's), so two batches locking rows in their
 * own orders could deadlock, each costing a second of stall before PostgreSQL notices. When every source names
 * the row its events write, each batch is applied in row-key order and they run side by side. Otherwise they
 * take turns on the table: under load that serialised a two-source read model (tens of milliseconds of
 * waiting per batch). A single-source projection needs neither.
 */
export function sharedRowsOrdering(
  projection: Projection,
  source: ProjectionSource,
  table: string,
): { beforeApplying?: (tx: TransactionSql) => Promise<unknown>; rowKey?: (event: DeliveredEvent) => string } {
  if (projection.sources.length < 2) return {}
  if (projection.sources.every((each) => each.rowKey !== undefined)) return { rowKey: source.rowKey }
  return {
    beforeApplying: (tx) => tx`select pg_advisory_xact_lock(hashtextextended(${`seams-projection:${table}`}, 0))`,
  }
}

/** The durable consumer feeding one source into the live table. */
export const liveConsumerName = (service: string, projection: Projection, source: string) =>
  `${service}.${projection.name}.${source}`
export const rebuildConsumerName = (service: string, projection: Projection, source: string) =>
  `${liveConsumerName(service, projection, source)}.rebuild`
export const shadowTableOf = (projection: Projection) => `${projection.name}__rebuild`

/** Creates the live table when it is missing (first start, or a fresh database); a replica racing us is fine. */
export async function ensureProjectionTable(sql: Sql, projection: Projection): Promise<void> {
  const [row] = await sql<{ exists: boolean }[]>`select to_regclass(${projection.name}) is not null as exists`
  if (row?.exists === true) return
  try {
    await sql.begin((tx) => projection.createTable(tx, projection.name))
  } catch (error) {
    if ((error as { code?: string }).code !== '42P07') throw error // duplicate_table: another replica made it
  }
}
