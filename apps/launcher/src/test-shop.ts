import { randomBytes } from 'node:crypto'
import { jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { freePort } from '@seams/process-runner'
import { dropServiceDatabase } from '@seams/provisioning'
import { createServiceTokens, type ActingUser } from '@seams/service-kit'
import { streamNaming } from '@seams/transport-nats'
import { generateSecrets, type ShopSecrets } from './secrets.ts'
import { databaseNameOf, startShop, type RunningShop, type ShopOptions } from './shop.ts'
import { databaseOwners, serviceNames, type ServiceName } from './topology.ts'

export interface CallOptions {
  user?: ActingUser
  /** The calling service named in the token. @default 'gateway' */
  as?: string
  body?: unknown
  headers?: Record<string, string>
}

export interface CallResult<T = any> {
  status: number
  body: T
  headers: Headers
}

export interface TestShop {
  shop: RunningShop
  secrets: ShopSecrets & { demoPassword: string }
  /** Calls a service directly, with a service token as `as` (acting for `user`), like the gateway would. */
  call<T = any>(service: ServiceName, method: string, path: string, options?: CallOptions): Promise<CallResult<T>>
  /** Stops every process and drops every database this shop made. */
  close(): Promise<void>
}

async function deleteStreams(natsUrl: string, namespace: string): Promise<void> {
  const nc = await connect({ servers: natsUrl })
  try {
    const jsm = await jetstreamManager(nc)
    const prefix = streamNaming(namespace).stream('')
    for await (const name of jsm.streams.names()) if (name.startsWith(prefix)) await jsm.streams.delete(name)
  } finally {
    await nc.close()
  }
}

/**
 * A whole shop (or part of it) for an integration test: real processes on free ports, databases with a
 * random prefix on the PostgreSQL under test, dropped afterwards.
 */
export async function startTestShop(adminPgUrl: string, options: Pick<ShopOptions, 'services' | 'overrides' | 'transport' | 'natsUrl' | 'redisUrl' | 'onLine'> = {}): Promise<TestShop> {
  const secrets = generateSecrets()
  const prefix = `t${randomBytes(3).toString('hex')}_`
  const ports = Object.fromEntries(await Promise.all(serviceNames.map(async (name) => [name, await freePort()] as const))) as Record<ServiceName, number>
  // Small pools: a machine's PostgreSQL (100 connections by default) may carry several shops at once.
  // (Leader locks hold connections of a pool of their own, so a small request pool cannot starve.)
  const pools = Object.fromEntries(databaseOwners.map((service) => [service, { DATABASE_POOL_SIZE: '4', ...options.overrides?.[service] }]))
  // Streams too are the run's own: the machine's NATS server is shared by every run.
  const shop = await startShop({ adminPgUrl, ports, secrets, databasePrefix: prefix, natsNamespace: prefix.replace(/_$/, ''), ...options, overrides: { ...options.overrides, ...pools } })
  const callers = new Map<string, ReturnType<typeof createServiceTokens>>()
  const tokensOf = (service: string) => {
    let tokens = callers.get(service)
    if (tokens === undefined) callers.set(service, (tokens = createServiceTokens({ service, secret: secrets.serviceSecret })))
    return tokens
  }
  return {
    shop,
    secrets,
    async call(service, method, path, callOptions = {}) {
      const token = await tokensOf(callOptions.as ?? 'gateway').mint(service, callOptions.user)
      const response = await fetch(`${shop.urls[service]}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(callOptions.body === undefined ? {} : { 'content-type': 'application/json' }), ...callOptions.headers },
        body: callOptions.body === undefined ? undefined : JSON.stringify(callOptions.body),
      })
      const text = await response.text()
      return { status: response.status, body: text === '' ? undefined : JSON.parse(text), headers: response.headers }
    },
    async close() {
      await shop.stop()
      if (shop.wiring.transport === 'jetstream') await deleteStreams(shop.wiring.natsUrl, shop.wiring.natsNamespace ?? '')
      for (const service of databaseOwners) {
        const name = databaseNameOf(prefix, service)
        await dropServiceDatabase(adminPgUrl, { database: name, role: name })
      }
    },
  }
}
