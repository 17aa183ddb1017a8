import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '@seams/process-runner'
import { startEmbeddedPostgres, type RunningPostgres } from '@seams/provisioning'
import { databaseOwners, type Topology } from '@shop/launcher'
import { lineChart } from '../load/charts.ts'
import { serviceOfEndpoint, underLoad } from './bench-shop.ts'
import type { Experiment, ExperimentContext, ExperimentResult } from './experiment.ts'

interface Server {
  running: RunningPostgres
  restart(): Promise<void>
  stop(): Promise<void>
}

/** An embedded PostgreSQL of the experiment's own, so that stopping it stops nobody else's database. */
async function ownServer(name: string, folders: string[]): Promise<Server> {
  const dataDir = await mkdtemp(join(tmpdir(), `seams-e3-${name}-`))
  folders.push(dataDir)
  const port = await freePort()
  const server: Server = {
    running: await startEmbeddedPostgres({ dataDir, port }),
    async restart() {
      server.running = await startEmbeddedPostgres({ dataDir, port })
    },
    stop: () => server.running.stop(),
  }
  return server
}

interface Outage {
  /** Share of each service's requests answered well over the whole run (the outage is its last two thirds). */
  answeredShare: Record<string, number>
  /** Seconds after the stop during which orders were still accepted (202); the outage's length if throughout. */
  ordersAcceptedFor: number
  ordersAcceptedDuring: number
  timeline: { second: number; ok: number; errors: number }[]
  stoppedAt: number
}

async function outage(
  context: ExperimentContext,
  topology: Topology,
  load: { users: number; rate: number; durationMs: number },
): Promise<Outage> {
  const folders: string[] = []
  const servers = new Map<string, Server>()
  try {
    // Owned: a server per service, and catalog's is stopped. Shared: one server for all, and it is stopped.
    for (const name of topology === 'owned' ? databaseOwners : ['shop'])
      servers.set(name, await ownServer(name, folders))
    const victim = servers.get(topology === 'owned' ? 'catalog' : 'shop')!
    const accepted: number[] = []
    let stoppedAt = 0
    const run = await underLoad(
      context,
      topology,
      {
        ...load,
        adminPgUrl: [...servers.values()][0]!.running.adminUrl,
        serverOf:
          topology === 'owned'
            ? Object.fromEntries(databaseOwners.map((service) => [service, servers.get(service)!.running.adminUrl]))
            : undefined,
      },
      async (shop) => {
        stoppedAt = Date.now()
        await victim.stop()
        // Back before the shop is dropped, once the run is over.
        await new Promise((resolve) => setTimeout(resolve, load.durationMs - (Date.now() - stoppedAt) + 500))
        await victim.restart()
        void shop
      },
      (acceptedAt) => accepted.push(acceptedAt),
    )
    const answeredShare: Record<string, number> = {}
    const totals: Record<string, { all: number; failed: number }> = {}
    for (const [endpoint, histogram] of Object.entries(run.result.byEndpoint)) {
      const service = serviceOfEndpoint[endpoint] ?? endpoint
      const failed = Object.entries(run.result.errors)
        .filter(([key]) => key.split(' ')[0] === endpoint)
        .reduce((sum, [, count]) => sum + count, 0)
      const total = (totals[service] ??= { all: 0, failed: 0 })
      total.all += histogram.totalCount
      total.failed += failed
    }
    for (const [service, total] of Object.entries(totals))
      answeredShare[service] = total.all === 0 ? 0 : Math.round((1000 * (total.all - total.failed)) / total.all) / 10
    const during = accepted.filter((at) => at >= stoppedAt)
    const outageSeconds = Math.round((run.startedAt + load.durationMs - stoppedAt) / 1000)
    return {
      answeredShare,
      ordersAcceptedDuring: during.length,
      ordersAcceptedFor:
        during.length === 0 ? 0 : Math.min(outageSeconds, Math.round((Math.max(...during) - stoppedAt) / 1000)),
      timeline: run.result.timeline.map(({ second, ok, errors }) => ({ second, ok, errors })),
      stoppedAt: run.actionFrom,
    }
  } finally {
    for (const server of servers.values()) await server.stop().catch(() => {})
    for (const folder of folders) await rm(folder, { recursive: true, force: true })
  }
}

const listed = (values: Record<string, number>) =>
  Object.entries(values)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name} ${value} %`)
    .join(', ')

export const failureDomain: Experiment = {
  id: 'E3',
  async run(context): Promise<ExperimentResult> {
    const load = context.quick
      ? { users: 40, rate: 40, durationMs: 6000 }
      : { users: 300, rate: 100, durationMs: 30_000 }
    context.log("E3: one database server stopped a third of the way into the benchmark's mix")
    const owned = await outage(context, 'owned', load)
    const shared = await outage(context, 'shared', load)
    return {
      id: 'E3',
      title: 'Failure domain',
      claim: 'Database becomes a single point of failure.',
      figures: [
        {
          name: 'requests answered by service, whole run (%)',
          owned: `catalog's server stopped: ${listed(owned.answeredShare)}`,
          shared: `the one server stopped: ${listed(shared.answeredShare)}`,
        },
        {
          name: 'orders accepted after the stop',
          owned: `${owned.ordersAcceptedDuring}, for ${owned.ordersAcceptedFor} s`,
          shared: `${shared.ordersAcceptedDuring}, for ${shared.ordersAcceptedFor} s`,
          note: 'more is better',
        },
      ],
      verdict:
        `Stopping one service's server left orders accepted for ${owned.ordersAcceptedFor} s of the outage ` +
        `(${owned.ordersAcceptedDuring} orders); stopping the shared server, ${shared.ordersAcceptedFor} s ` +
        `(${shared.ordersAcceptedDuring}).`,
      notes: [
        "Owned: each service's database on its own embedded PostgreSQL (startShop's serverOf, npm start -- " +
          "--pg-per-service); catalog's is stopped. Shared: its one database on its own server, which is stopped.",
        'Orders accepted while catalog is down are settled by the checkout saga once it can reach catalog; the ' +
          'gateway serves cached products meanwhile.',
      ],
      charts: {
        'e3-answered': lineChart('E3: answered requests per second, server stopped mid-run', 's', 'ok', [
          { name: 'owned (catalog down)', points: owned.timeline.map((second) => [second.second, second.ok] as const) },
          { name: 'shared (all down)', points: shared.timeline.map((second) => [second.second, second.ok] as const) },
        ]),
      },
      raw: { owned, shared },
    }
  },
}
