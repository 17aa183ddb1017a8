import { tracingEnabled } from '@seams/core'
import postgres, { type Sql } from 'postgres'
import { Gauge, type Registry } from 'prom-client'
import { tracedSql } from './database-tracing.ts'

export type { Sql, TransactionSql } from 'postgres'

export interface DatabaseOptions {
  /** Shown in pg_stat_activity; the pid is appended so that replicas are told apart. */
  applicationName: string
  /**
   * Connections in the pool.
   * @default 10
   */
  max?: number
  /** When given, pool gauges are registered here. */
  metrics?: Registry
}

/**
 * A postgres.js pool for one service's own database. int8 columns come back as numbers: the toolkit
 * keeps counters (feed positions, versions) far below 2^53. While tracing (see telemetry.ts), its
 * transactions and queries make spans (database-tracing.ts); otherwise it is the bare pool.
 */
export function createDatabase(url: string, options: DatabaseOptions): Sql {
  const applicationName = `${options.applicationName}:${process.pid}`
  const sql = postgres(url, {
    max: options.max ?? 10,
    idle_timeout: 60,
    connect_timeout: 5,
    connection: { application_name: applicationName },
    types: {
      int8: {
        to: 20,
        from: [20],
        serialize: (value: number) => String(value),
        parse: (value: string) => Number(value),
      },
    },
    onnotice: () => {},
  })
  if (options.metrics !== undefined) registerPoolGauges(sql, applicationName, options.max ?? 10, options.metrics)
  return tracingEnabled() ? tracedSql(sql, url) : sql
}

// postgres.js keeps its pool state private, so the gauges ask the server, at scrape time only.
function registerPoolGauges(sql: Sql, applicationName: string, max: number, registry: Registry): void {
  new Gauge({ name: 'db_pool_max_connections', help: 'Configured pool size', registers: [registry] }).set(max)
  new Gauge({
    name: 'db_pool_connections',
    help: 'Connections of this process by server-side state (active, idle, idle in transaction)',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      this.reset()
      const rows = await sql<{ state: string; count: number }[]>`
        select coalesce(state, 'unknown') as state, count(*)::int8 as count
        from pg_stat_activity where application_name = ${applicationName} group by 1`.catch(() => [])
      for (const row of rows) this.set({ state: row.state }, row.count)
    },
  })
}
