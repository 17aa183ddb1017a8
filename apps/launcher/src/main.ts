import { createWriteStream, type WriteStream } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { startEmbeddedPostgres, type RunningPostgres } from '@seams/provisioning'
import { loadConfig } from '@seams/service-kit'
import Type from 'typebox'
import { loadDemoData, demoCustomers } from './demo-data.ts'
import { loadOrCreateSecrets } from './secrets.ts'
import { startShop } from './shop.ts'
import { defaultPorts, serviceNames } from './topology.ts'

const LauncherConfig = Type.Object({
  SEAMS_PG_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://', description: 'Administrator URL of an existing PostgreSQL; embedded when unset' })),
  SEAMS_DATA_DIR: Type.String({ default: '.seams' }),
  SEAMS_GATEWAY_PORT: Type.Integer({ minimum: 1, maximum: 65530, default: 8080 }),
  SEAMS_EMBEDDED_PG_PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 15432 }),
  SEAMS_DEMO_DATA: Type.Boolean({ default: true }),
  EVENT_TRANSPORT: Type.Union([Type.Literal('http-feed'), Type.Literal('jetstream')], { default: 'http-feed' }),
  NATS_URL: Type.String({ default: 'nats://127.0.0.1:4222' }),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
})

const config = loadConfig(LauncherConfig, process.env)
const dataDir = resolve(config.SEAMS_DATA_DIR)
const logDir = join(dataDir, 'logs')
await mkdir(logDir, { recursive: true })
const logs = new Map<string, WriteStream>()
let stopping = false

// Full JSON logs go to one file per service; warnings and errors are also shown here.
function onLine(line: string, service: string): void {
  let stream = logs.get(service)
  if (stream === undefined) logs.set(service, (stream = createWriteStream(join(logDir, `${service}.log`), { flags: 'a' })))
  stream.write(`${line}\n`)
  const level = /"level":(\d+)/.exec(line)?.[1]
  const serious = level === undefined ? /\b(ERROR|FATAL|PANIC)\b/.test(line) : Number(level) >= 40
  // While stopping, PostgreSQL (which gets the terminal's Ctrl-C too) and the services race; that noise stays in the files.
  if (serious && !stopping) console.log(`[${service}] ${line}`)
}

let postgres: RunningPostgres | undefined
let adminPgUrl = config.SEAMS_PG_URL
if (adminPgUrl === undefined) {
  console.log(`Starting embedded PostgreSQL on 127.0.0.1:${config.SEAMS_EMBEDDED_PG_PORT} (data in ${join(dataDir, 'pg')}) ...`)
  postgres = await startEmbeddedPostgres({ dataDir: join(dataDir, 'pg'), port: config.SEAMS_EMBEDDED_PG_PORT, log: (line) => onLine(line, 'postgres') })
  adminPgUrl = postgres.adminUrl
}

const secrets = await loadOrCreateSecrets(join(dataDir, 'secrets.json'))
const ports = defaultPorts(config.SEAMS_GATEWAY_PORT)
console.log(`Starting ${serviceNames.join(', ')} ...`)
const shop = await startShop({ adminPgUrl, ports, secrets, transport: config.EVENT_TRANSPORT, natsUrl: config.NATS_URL, redisUrl: config.REDIS_URL, onLine }).catch(async (error) => {
  console.error(String((error as Error).message))
  await postgres?.stop()
  process.exit(1)
})

if (config.SEAMS_DEMO_DATA) {
  await loadDemoData(shop.urls.gateway, { adminEmail: shop.wiring.admin.email, adminPassword: secrets.adminPassword, demoPassword: secrets.demoPassword })
}

const rows: [string, string][] = [
  ['Gateway (API)', `${shop.urls.gateway}/api`],
  ...serviceNames.filter((service) => service !== 'gateway').map((service): [string, string] => [`  ${service}`, shop.urls[service]]),
  ['PostgreSQL', postgres === undefined ? 'external (SEAMS_PG_URL)' : `embedded, 127.0.0.1:${config.SEAMS_EMBEDDED_PG_PORT}`],
  ['Events', config.EVENT_TRANSPORT === 'jetstream' ? `NATS JetStream at ${config.NATS_URL}` : 'HTTP feeds (GET /events on each producer)'],
  ['Admin login', `${shop.wiring.admin.email} / ${secrets.adminPassword}`],
  ['Demo customers', `${demoCustomers.map((customer) => customer.email).join(', ')} / ${secrets.demoPassword}`],
  ['Logs', logDir],
]
console.log(`\nSeams shop is running.\n${rows.map(([name, value]) => `  ${name.padEnd(18)} ${value}`).join('\n')}\n\nPress Ctrl-C to stop.`)

async function shutdown(): Promise<void> {
  if (stopping) return
  stopping = true
  console.log('\nStopping ...')
  const deadline = setTimeout(() => process.exit(1), 9500)
  await shop.stop()
  await postgres?.stop()
  for (const stream of logs.values()) stream.end()
  clearTimeout(deadline)
  console.log('Stopped.')
  process.exit(0)
}
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)
