import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { freePort } from '@seams/process-runner'
import { dropServiceDatabase } from '@seams/provisioning'
import { adminDatabaseUrl, eventually, natsServerAvailable, requireInfrastructure } from '@seams/testing'
import { afterEach, describe, expect, it } from 'vitest'
import type { ShopSecrets } from './secrets.ts'
import { databaseOwners } from './topology.ts'

// `npm start` itself, as a real process on the test PostgreSQL (SEAMS_PG_URL): it comes up, and a SIGINT,
// during start-up or once running, stops it and every process it started.
const main = fileURLToPath(new URL('./main.ts', import.meta.url))
const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url))

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer().once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

/** A gateway port whose five successors (the services' ports) are free too. */
async function freePortRun(): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 40_000)
    // The gateway and the five services, and the console ten up.
    const ports = [...Array.from({ length: 6 }, (_, offset) => base + offset), base + 10]
    if ((await Promise.all(ports.map(portIsFree))).every(Boolean)) return base
  }
}

/** Pids of the processes whose parent is `pid`, from /proc. */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc').flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return []
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid ? [Number(entry)] : []
    } catch {
      return []
    }
  })
}

/** `pid`'s children, theirs, and so on. */
const descendantsOf = (pid: number): number[] => childrenOf(pid).flatMap((child) => [child, ...descendantsOf(child)])

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

interface Launched {
  process: ChildProcess
  dataDir: string
  gatewayUrl: string
  output: () => string
  waitFor(text: string): Promise<void>
}

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

/** Starts the launcher as node itself, or the way a user does, through `npm start`. */
async function launch(env: Record<string, string> = {}, via: 'node' | 'npm' = 'node'): Promise<Launched> {
  const dataDir = await mkdtemp(join(tmpdir(), 'seams-launcher-'))
  const prefix = `l${randomBytes(4).toString('hex')}_`
  const port = await freePortRun()
  const [command, args] = via === 'node' ? [process.execPath, ['--import', 'tsx', main]] : ['npm', ['start']]
  const child = spawn(command, args, {
    cwd: repositoryRoot,
    env: {
      PATH: process.env['PATH'],
      HOME: process.env['HOME'],
      SEAMS_PG_URL: adminDatabaseUrl(),
      SEAMS_DATA_DIR: dataDir,
      SEAMS_DATABASE_PREFIX: prefix,
      SEAMS_GATEWAY_PORT: String(port),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // Through npm the launcher is a grandchild: killing npm alone would leave it and the shop running.
      for (const pid of descendantsOf(child.pid!)) process.kill(pid, 'SIGKILL')
      child.kill('SIGKILL')
      await once(child, 'exit')
    }
    for (const service of databaseOwners)
      await dropServiceDatabase(adminDatabaseUrl(), {
        database: `${prefix}${service.replace(/-/g, '_')}`,
        role: `${prefix}${service.replace(/-/g, '_')}`,
      })
    await rm(dataDir, { recursive: true, force: true })
  })
  return {
    process: child,
    dataDir,
    gatewayUrl: `http://127.0.0.1:${port}`,
    output: () => output,
    async waitFor(text) {
      while (!output.includes(text)) {
        if (child.exitCode !== null) throw new Error(`the launcher exited with ${child.exitCode}:\n${output}`)
        await sleep(100)
      }
    },
  }
}

async function interruptAndExpectEverythingGone(launched: Launched, signal: NodeJS.Signals = 'SIGINT'): Promise<void> {
  const started = descendantsOf(launched.process.pid!)
  expect(started.length).toBeGreaterThan(0)
  launched.process.kill(signal)
  const [code] = await once(launched.process, 'exit')
  // Exit code 1 would mean the launcher's own 10 s deadline cut the shutdown short.
  expect(code, launched.output()).toBe(0)
  expect(launched.output()).toContain('Stopped.')
  // What is gone is gone at once; a helper that notices its parent left (tsx's esbuild) may take a moment.
  for (let attempt = 0; attempt < 50 && started.some(isAlive); attempt += 1) await sleep(100)
  expect(started.filter(isAlive).map(commandOf)).toEqual([])
}

const commandOf = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
  } catch {
    return String(pid)
  }
}

describe('npm start', () => {
  it('runs the shop until Ctrl-C, which stops every process it started', async () => {
    const launched = await launch()
    await launched.waitFor('Seams shop is running.')
    const ready = await fetch(`${launched.gatewayUrl}/health/ready`)
    expect(ready.status).toBe(200)
    // The public port says ready or not; which service is which is for operators (see the gateway's spec).
    expect(await ready.json()).toEqual({ status: 'ready', service: 'gateway' })
    const products = (await (await fetch(`${launched.gatewayUrl}/api/products?limit=100`)).json()) as {
      items: unknown[]
    }
    expect(products.items.length).toBeGreaterThanOrEqual(36)
    // The start-up table points at the console, which serves its app (bundled as it started) and asks for a login.
    const consoleUrl = /Console\s+(http:\/\/127\.0\.0\.1:\d+\/console\/)/.exec(launched.output())?.[1]
    expect(consoleUrl).toBeDefined()
    const page = await fetch(consoleUrl!)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('/console/assets/app.js')
    expect((await fetch(new URL('assets/app.js', consoleUrl)).then((answer) => answer.text())).length).toBeGreaterThan(
      10_000,
    )
    expect((await fetch(new URL('api/snapshot', consoleUrl))).status).toBe(401)
    await interruptAndExpectEverythingGone(launched)
  })

  it('stops what it already started when Ctrl-C comes during start-up', async () => {
    const launched = await launch()
    await launched.waitFor('Starting users')
    // Some services are up, others still starting: the worst moment to be left with orphans.
    await eventually('some services starting', () => childrenOf(launched.process.pid!).length >= 3, {
      intervalMs: 20,
    })
    await interruptAndExpectEverythingGone(launched)
    expect(launched.output()).not.toContain('Seams shop is running.')
  })
})

// A supervisor or a terminal may signal npm alone, not its process group: npm hands the signal to its child,
// which must be the launcher itself (not a shell that would keep it to itself and leave the shop running).
describe('npm start, signalled through npm', () => {
  it('hands a service its own SEAMS_<SERVICE>_<VARIABLE>, and stops promptly on a SIGTERM to npm alone', async () => {
    const launched = await launch({ SEAMS_GATEWAY_RATE_LIMIT_ANONYMOUS_MAX: '777' }, 'npm')
    await launched.waitFor('Seams shop is running.')
    const products = await fetch(`${launched.gatewayUrl}/api/products?limit=1`)
    expect(products.status).toBe(200)
    expect(products.headers.get('x-ratelimit-limit')).toBe('777')
    const signalled = Date.now()
    await interruptAndExpectEverythingGone(launched, 'SIGTERM')
    expect(Date.now() - signalled).toBeLessThan(10_000)
  })

  it('stops what it already started when SIGINT reaches npm alone during start-up', async () => {
    const launched = await launch({}, 'npm')
    await launched.waitFor('Starting users')
    while (descendantsOf(launched.process.pid!).length < 4) await sleep(20)
    await interruptAndExpectEverythingGone(launched, 'SIGINT')
    expect(launched.output()).not.toContain('Seams shop is running.')
  })
})

describe('npm start with EVENT_TRANSPORT=jetstream and no NATS_URL', async () => {
  const present =
    (await natsServerAvailable()) ||
    (await requireInfrastructure('nats-server binary (NATS_SERVER_BIN)', 'nats://127.0.0.1:1'))

  it.skipIf(!present)(
    'runs a nats-server of its own, each service under its own user, events flowing, all stopped by Ctrl-C',
    async () => {
      const natsPort = await freePort()
      const launched = await launch({
        EVENT_TRANSPORT: 'jetstream',
        SEAMS_NATS_PORT: String(natsPort),
        NATS_SERVER_BIN: process.env['NATS_SERVER_BIN'] ?? 'nats-server',
      })
      await launched.waitFor('Seams shop is running.')
      expect(launched.output()).toContain(`own server at nats://127.0.0.1:${natsPort}`)

      // The passwords are in two files only the owner reads, and on no command line.
      const config = join(launched.dataDir, 'nats', 'nats-server.json')
      expect(statSync(config).mode & 0o777).toBe(0o600)
      expect(statSync(join(launched.dataDir, 'secrets.json')).mode & 0o777).toBe(0o600)
      const passwords = Object.values(
        (
          JSON.parse(readFileSync(join(launched.dataDir, 'secrets.json'), 'utf8')) as {
            natsPasswords: Record<string, string>
          }
        ).natsPasswords,
      )
      expect(passwords).toHaveLength(6)
      for (const password of passwords) expect(readFileSync(config, 'utf8')).toContain(password)
      const commands = childrenOf(launched.process.pid!).map(commandOf)
      expect(commands.some((command) => command.includes('nats-server'))).toBe(true)
      for (const password of passwords) expect(commands.join('\n')).not.toContain(password)

      // An order needs users' and catalog's events in orders; its history needs orders' and payments' too.
      const api = async (method: string, path: string, body?: unknown, token?: string) => {
        const response = await fetch(`${launched.gatewayUrl}${path}`, {
          method,
          headers: {
            ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            'idempotency-key': randomBytes(8).toString('hex'),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        })
        return { status: response.status, body: (await response.json()) as any }
      }
      const login = await api('POST', '/api/auth/login', { email: 'alice@example.com', password: 'demo-password-1' })
      expect(login.status).toBe(200)
      const product = (await api('GET', '/api/products?limit=1')).body.items[0]
      const placed = await api(
        'POST',
        '/api/orders',
        { items: [{ productId: product.id, quantity: 1 }] },
        login.body.accessToken,
      )
      expect(placed.status, JSON.stringify(placed.body)).toBe(202)
      const entry: any = await eventually(
        'the order confirmed in the history, with every name',
        async () => {
          const history = await api('GET', '/api/order-history', undefined, login.body.accessToken)
          return history.body.items?.find((item: { orderId: string }) => item.orderId === placed.body.orderId)
        },
        {
          until: (found: any) =>
            found?.status === 'CONFIRMED' &&
            found.paymentStatus !== null &&
            found.customerName !== null &&
            found.items[0].productName !== null,
          timeoutMs: 30_000,
          intervalMs: 200,
        },
      )
      expect(entry).toMatchObject({
        status: 'CONFIRMED',
        customerName: expect.any(String),
        paymentStatus: expect.any(String),
        items: [{ productName: expect.any(String) }],
      })
      // Nothing any service did was refused: each stays within its own permissions.
      expect(readFileSync(join(launched.dataDir, 'logs', 'nats.log'), 'utf8')).not.toMatch(/Violation/)

      await interruptAndExpectEverythingGone(launched)
    },
    180_000,
  )
})

/**
 * The test server's administrator URL with a password in it:
 * production mode asks for one, a trusting server ignores it.
 */
function adminUrlWithPassword(): string {
  const url = new URL(adminDatabaseUrl())
  if (url.password === '') url.password = 'a-password-the-test-server-may-ignore'
  return url.toString()
}

const logIn = (gatewayUrl: string, email: string, password: string) =>
  fetch(`${gatewayUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  })

describe('npm start in production mode (SEAMS_PRODUCTION=true)', () => {
  it("loads no demo data and keeps the admin's password in the secrets file only", async () => {
    const pgUrl = adminUrlWithPassword()
    const launched = await launch({ SEAMS_PRODUCTION: 'true', SEAMS_PG_URL: pgUrl })
    await launched.waitFor('Seams shop is running.')
    const secretsFile = join(launched.dataDir, 'secrets.json')
    expect(statSync(secretsFile).mode & 0o777).toBe(0o600)
    const secrets = JSON.parse(readFileSync(secretsFile, 'utf8')) as ShopSecrets
    expect(secrets).toMatchObject({ production: true })
    expect(secrets.demoPassword).toBeUndefined()

    expect((await logIn(launched.gatewayUrl, 'alice@example.com', 'demo-password-1')).status).toBe(401)
    expect((await logIn(launched.gatewayUrl, 'admin@seams.local', secrets.adminPassword)).status).toBe(200)
    const products = (await (await fetch(`${launched.gatewayUrl}/api/products?limit=100`)).json()) as {
      items: unknown[]
    }
    expect(products.items).toEqual([])

    const output = launched.output()
    expect(output).toContain(`admin@seams.local / <in ${secretsFile}, adminPassword>`)
    expect(output).not.toContain(secrets.adminPassword)
    expect(output).not.toContain('Demo customers')
    expect(output).not.toContain(new URL(pgUrl).password)
    await interruptAndExpectEverythingGone(launched)
  })

  it("refuses to start, naming what is missing, when a server's password is not given", async () => {
    const withoutPassword = new URL(adminDatabaseUrl())
    withoutPassword.password = ''
    const launched = await launch({
      SEAMS_PRODUCTION: 'true',
      SEAMS_PG_URL: withoutPassword.toString(),
      REDIS_URL: 'redis://127.0.0.1:6379',
    })
    const [code] = await once(launched.process, 'exit')
    expect(code).toBe(1)
    expect(launched.output()).toMatch(/SEAMS_PG_URL has no password/)
    expect(launched.output()).toMatch(/REDIS_URL has no password/)
    expect(launched.output()).not.toContain('Starting users')
    // Refused before anything was made: no secrets to clean up, and none to find on the next attempt.
    expect(existsSync(join(launched.dataDir, 'secrets.json'))).toBe(false)
  })
})
