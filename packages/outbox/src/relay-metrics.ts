import { Counter, Gauge, type Registry } from 'prom-client'
import type { Outbox } from './outbox.ts'

export interface RelayMetrics {
  stamped: Counter<'source'>
  failures: Counter<'source'>
  leader: Gauge<'source'>
}

interface Shared extends RelayMetrics {
  outboxes: Set<Outbox>
}

// prom-client refuses a second metric of the same name on a registry: relays sharing one (several producers in
// one process, a test, a benchmark) share its metrics too, told apart by their `source` label.
const byRegistry = new WeakMap<Registry, Shared>()

/** The relay metrics on `registry`, registered once; the backlog gauge reads every outbox added to it. */
export function relayMetrics(registry: Registry, outbox: Outbox): RelayMetrics {
  const shared = byRegistry.get(registry) ?? register(registry)
  shared.outboxes.add(outbox)
  return shared
}

function register(registry: Registry): Shared {
  const labelNames = ['source'] as const
  const outboxes = new Set<Outbox>()
  new Gauge({
    name: 'outbox_backlog_events',
    help: 'Committed events not yet stamped into the feed',
    labelNames,
    registers: [registry],
    async collect() {
      await Promise.all(
        [...outboxes].map(async (outbox) => {
          const [row] = await outbox.sql<
            { count: number }[]
          >`select count(*)::int8 as count from seams_outbox where position is null`.catch(() => [])
          if (row !== undefined) this.set({ source: outbox.source }, row.count)
        }),
      )
    },
  })
  const shared: Shared = {
    outboxes,
    stamped: new Counter({
      name: 'outbox_relay_events_total',
      help: 'Events stamped and handed to the transport',
      labelNames,
      registers: [registry],
    }),
    failures: new Counter({
      name: 'outbox_relay_failures_total',
      help: 'Relay batches that failed and were retried',
      labelNames,
      registers: [registry],
    }),
    leader: new Gauge({
      name: 'outbox_relay_leader',
      help: '1 while this process runs the active relay',
      labelNames,
      registers: [registry],
    }),
  }
  byRegistry.set(registry, shared)
  return shared
}
