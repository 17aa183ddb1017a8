import { provisionServiceDatabase } from '@seams/provisioning'
import { startServiceProcess, type ServiceProcess } from '@seams/process-runner'
import { sharedEntryOf } from '@shop/shared-database'
import type { ShopSecrets } from './secrets.ts'
import {
  databaseOwners,
  entryOf,
  environmentOf,
  serviceNames,
  sharedTopologyOverrides,
  type ServiceName,
  type ShopWiring,
  type Topology,
} from './topology.ts'

export interface ShopOptions {
  /** Administrator URL of the PostgreSQL that will hold every service's database. */
  adminPgUrl: string
  /**
   * Administrator URLs of PostgreSQL servers that each hold one service's database instead (one server per
   * service: a failure domain each); services not named here use `adminPgUrl`. Owned topology only.
   */
  serverOf?: Partial<Record<Exclude<ServiceName, 'gateway'>, string>>
  ports: Record<ServiceName, number>
  secrets: ShopSecrets
  adminEmail?: string
  /**
   * Prefix of database and role names, so several shops can share one server (tests, benchmarks).
   * @default ''
   */
  databasePrefix?: string
  transport?: 'http-feed' | 'jetstream'
  natsUrl?: string
  natsNamespace?: string
  natsLogins?: ShopWiring['natsLogins']
  redisUrl?: string
  /** Start only these services (and in this order); all by default. */
  services?: readonly ServiceName[]
  overrides?: ShopWiring['overrides']
  /** `OTEL_*` variables for every service (`telemetryEnvironment(process.env)` in `npm start`). */
  telemetry?: ShopWiring['telemetry']
  nodeArgs?: Partial<Record<ServiceName, string[]>>
  onLine?: (line: string, service: string) => void
  /**
   * `owned`: a database and role per service (the shop). `shared`: seed 002's starting point, every service
   * on one database with one role (`variants/shared-database`), behind the same gateway.
   * @default 'owned'
   */
  topology?: Topology
}

export interface RunningShop {
  readonly urls: Record<ServiceName, string>
  readonly databaseUrls: Record<Exclude<ServiceName, 'gateway'>, string>
  readonly wiring: ShopWiring
  readonly topology: Topology
  /** Every database (and role of the same name) this shop provisioned, with the server that holds it. */
  readonly databases: readonly { name: string; adminPgUrl: string }[]
  process(service: ServiceName): ServiceProcess | undefined
  /** Starts a stopped or killed service again with the same wiring, plus `extraEnv` (e.g. fault injection). */
  start(service: ServiceName, extraEnv?: Record<string, string>): Promise<ServiceProcess>
  /** Graceful stop (SIGTERM) of one service, or of all in reverse start order. */
  stop(service?: ServiceName): Promise<void>
  /** SIGKILL of one service: a crash. */
  kill(service: ServiceName): Promise<void>
}

export const databaseNameOf = (prefix: string, service: string) => `${prefix}${service.replace(/-/g, '_')}`

/** The one database (and role) of the shared topology. */
export const sharedDatabaseNameOf = (prefix: string) => `${prefix}shop`

/** The databases a shop of `topology` provisions, by name (each with a role of the same name). */
export const databaseNamesOf = (prefix: string, topology: Topology): string[] =>
  topology === 'shared'
    ? [sharedDatabaseNameOf(prefix)]
    : databaseOwners.map((service) => databaseNameOf(prefix, service))

async function provisionDatabases(options: ShopOptions, topology: Topology, prefix: string) {
  const databaseUrls = {} as Record<Exclude<ServiceName, 'gateway'>, string>
  if (topology === 'shared') {
    const name = sharedDatabaseNameOf(prefix)
    const url = await provisionServiceDatabase(options.adminPgUrl, {
      database: name,
      role: name,
      // Secrets written before the shared topology existed have no password of its own.
      password: options.secrets.databasePasswords['shop'] ?? options.secrets.databasePasswords['users']!,
    })
    for (const service of databaseOwners) databaseUrls[service] = url
    return databaseUrls
  }
  for (const service of databaseOwners) {
    const name = databaseNameOf(prefix, service)
    databaseUrls[service] = await provisionServiceDatabase(options.serverOf?.[service] ?? options.adminPgUrl, {
      database: name,
      role: name,
      password: options.secrets.databasePasswords[service]!,
    })
  }
  return databaseUrls
}

/** Provisions each service's database and role, then starts the service processes and waits until each is ready. */
export async function startShop(options: ShopOptions): Promise<RunningShop> {
  const prefix = options.databasePrefix ?? ''
  const topology = options.topology ?? 'owned'
  const databaseUrls = await provisionDatabases(options, topology, prefix)
  const wiring: ShopWiring = {
    ports: options.ports,
    databaseUrls,
    serviceKeys: options.secrets.serviceKeys,
    transport: options.transport ?? 'http-feed',
    natsUrl: options.natsUrl ?? 'nats://127.0.0.1:4222',
    natsNamespace: options.natsNamespace,
    natsLogins: options.natsLogins,
    redisUrl: options.redisUrl,
    admin: { email: options.adminEmail ?? 'admin@seams.local', password: options.secrets.adminPassword },
    overrides: topology === 'shared' ? sharedTopologyOverrides(options.overrides) : options.overrides,
    telemetry: options.telemetry,
  }
  const urls = Object.fromEntries(
    serviceNames.map((service) => [service, `http://127.0.0.1:${options.ports[service]}`]),
  ) as Record<ServiceName, string>
  const processes = new Map<ServiceName, ServiceProcess>()
  const selected = options.services ?? serviceNames

  const start = async (service: ServiceName, extraEnv: Record<string, string> = {}) => {
    const handle = await startServiceProcess({
      name: service,
      entry: topology === 'shared' && service !== 'gateway' ? sharedEntryOf(service) : entryOf(service),
      env: { ...environmentOf(service, wiring), ...extraEnv },
      // The gateway's readiness covers the whole shop; its own process is up once it is live.
      readyUrl: `${urls[service]}${service === 'gateway' ? '/health/live' : '/health/ready'}`,
      nodeArgs: options.nodeArgs?.[service],
      onLine: options.onLine,
    })
    processes.set(service, handle)
    return handle
  }

  const stopAll = async () => {
    for (const service of [...selected].reverse()) await processes.get(service)?.stop()
  }

  try {
    // Everything but the gateway starts at once; the gateway last, so its readiness finds them up.
    await Promise.all(selected.filter((service) => service !== 'gateway').map((service) => start(service)))
    if (selected.includes('gateway')) await start('gateway')
  } catch (error) {
    await stopAll()
    throw error
  }

  return {
    urls,
    databaseUrls,
    wiring,
    topology,
    databases:
      topology === 'shared'
        ? [{ name: sharedDatabaseNameOf(prefix), adminPgUrl: options.adminPgUrl }]
        : databaseOwners.map((service) => ({
            name: databaseNameOf(prefix, service),
            adminPgUrl: options.serverOf?.[service] ?? options.adminPgUrl,
          })),
    process: (service) => processes.get(service),
    start,
    async stop(service) {
      if (service !== undefined) await processes.get(service)?.stop()
      else await stopAll()
    },
    async kill(service) {
      await processes.get(service)?.kill()
    },
  }
}
