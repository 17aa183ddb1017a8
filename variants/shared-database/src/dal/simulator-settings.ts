import type { Sql, TransactionSql } from '@seams/service-kit'
import type { SimulatorSettings } from '@shop/payments-contracts'

type Queryable = Sql | TransactionSql

/** Writes the first settings unless some are stored: a restart keeps what an operator set since. */
export async function initSimulatorSettings(sql: Queryable, settings: SimulatorSettings): Promise<void> {
  await sql`
    insert into payment_simulator (latency_ms, jitter_ms, decline_rate, error_rate, hang_rate)
    values (${settings.latencyMs}, ${settings.jitterMs}, ${settings.declineRate}, ${settings.errorRate},
            ${settings.hangRate})
    on conflict do nothing`
}

export async function readSimulatorSettings(sql: Queryable): Promise<SimulatorSettings | undefined> {
  const [row] = await sql<SimulatorSettings[]>`
    select latency_ms as "latencyMs", jitter_ms as "jitterMs", decline_rate as "declineRate",
           error_rate as "errorRate", hang_rate as "hangRate"
    from payment_simulator`
  return row
}

export async function writeSimulatorSettings(sql: Queryable, settings: SimulatorSettings): Promise<void> {
  await sql`
    insert into payment_simulator (latency_ms, jitter_ms, decline_rate, error_rate, hang_rate)
    values (${settings.latencyMs}, ${settings.jitterMs}, ${settings.declineRate}, ${settings.errorRate},
            ${settings.hangRate})
    on conflict (id) do update set latency_ms = excluded.latency_ms, jitter_ms = excluded.jitter_ms,
      decline_rate = excluded.decline_rate, error_rate = excluded.error_rate, hang_rate = excluded.hang_rate`
}
