import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { freePort } from '@seams/process-runner'
import { dropServiceDatabase } from '@seams/provisioning'
import { USER_TOKEN_HEADER } from '@seams/core'
import { createDatabase, createServiceAuth, type ActingUser, type ServiceAuth } from '@seams/service-kit'
import { importJWK, SignJWT, type CryptoKey, type JWK } from 'jose'
import { streamNaming } from '@seams/transport-nats'
import { startPrivateNats, type PrivateNats } from './private-nats.ts'
import { generateSecrets, type ShopSecrets } from './secrets.ts'
import { startShop, type RunningShop, type ShopOptions } from './shop.ts'
import { databaseOwners, serviceNames, type ServiceName } from './topology.ts'

export interface CallOptions {
  /** The end user the gateway forwards, with an access token signed by the shop's own users service. */
  user?: ActingUser
  /** The calling identity, signing with its own key. @default 'gateway' */
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
  /** The shop's own nats-server, with a user per service, when it was started for JetStream without a `natsUrl`. */
  nats?: PrivateNats
  /** Calls a service directly as `as` (for `user`, when the caller is the gateway), like that caller would. */
  call<T = any>(service: ServiceName, method: string, path: string, options?: CallOptions): Promise<CallResult<T>>
  /** The access token the shop's users service would issue to `user` (who need not exist there). */
  userToken(user: ActingUser, options?: { expiresInSeconds?: number }): Promise<string>
  /** The identity `name` of this shop, with its own key: what a service or the operator signs with. */
  identity(name: string): ServiceAuth
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

/** Like `npm start` without NATS_URL: a nats-server of the shop's own, each service logging in as its own user. */
async function startOwnNats(
  namespace: string,
  secrets: ShopSecrets,
  onLine?: (line: string, service: string) => void,
): Promise<{ nats: PrivateNats; close(): Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'seams-shop-nats-'))
  const nats = await startPrivateNats({
    dataDir,
    port: await freePort(),
    namespace,
    passwords: secrets.natsPasswords!,
    binary: process.env['NATS_SERVER_BIN'],
    log: (line) => onLine?.(line, 'nats'),
  }).catch(async (error: unknown) => {
    await rm(dataDir, { recursive: true, force: true })
    throw error
  })
  return {
    nats,
    async close() {
      await nats.server.stop()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

/**
 * A whole shop (or part of it) for an integration test: real processes on free ports, databases with a
 * random prefix on the PostgreSQL under test, dropped afterwards. For JetStream without a `natsUrl`, a
 * nats-server of its own with a user per service, stopped afterwards.
 */
export async function startTestShop(
  adminPgUrl: string,
  options: Pick<
    ShopOptions,
    'services' | 'overrides' | 'transport' | 'natsUrl' | 'redisUrl' | 'onLine' | 'telemetry' | 'topology' | 'serverOf'
  > = {},
): Promise<TestShop> {
  const secrets = generateSecrets()
  const prefix = `t${randomBytes(3).toString('hex')}_`
  const ports = Object.fromEntries(
    await Promise.all(serviceNames.map(async (name) => [name, await freePort()] as const)),
  ) as Record<ServiceName, number>
  // Small pools: a machine's PostgreSQL (100 connections by default) may carry several shops at once.
  // (Leader locks hold connections of a pool of their own, so a small request pool cannot starve.)
  // And a cheaper password hash: suites sign up and log in dozens of users on a shared machine, and a
  // hash at the production cost takes half a second. A spec about hashing itself sets SCRYPT_COST.
  const testDefaults = (service: string) => ({
    DATABASE_POOL_SIZE: '4',
    ...(service === 'users' ? { SCRYPT_COST: '16384' } : {}),
  })
  const pools = Object.fromEntries(
    databaseOwners.map((service) => [service, { ...testDefaults(service), ...options.overrides?.[service] }]),
  )
  // Streams too are the run's own: the machine's NATS server is shared by every run.
  const natsNamespace = prefix.replace(/_$/, '')
  const own =
    options.transport === 'jetstream' && options.natsUrl === undefined
      ? await startOwnNats(natsNamespace, secrets, options.onLine)
      : undefined
  const shop = await startShop({
    adminPgUrl,
    ports,
    secrets,
    databasePrefix: prefix,
    natsNamespace,
    ...options,
    ...(own === undefined ? {} : { natsUrl: own.nats.server.url, natsLogins: own.nats.logins }),
    overrides: { ...options.overrides, ...pools },
  }).catch(async (error: unknown) => {
    await own?.close()
    throw error
  })
  const callers = new Map<string, ServiceAuth>()
  const identity = (name: string) => {
    let auth = callers.get(name)
    const keys = secrets.serviceKeys[name]
    if (keys === undefined) throw new TypeError(`${name} is not an identity of this shop`)
    if (auth === undefined)
      callers.set(name, (auth = createServiceAuth({ service: name, privateKey: keys.privateKey, peers: {} })))
    return auth
  }
  const userToken = userTokenIssuer(shop)
  return {
    shop,
    secrets,
    identity,
    userToken,
    nats: own?.nats,
    async call(service, method, path, callOptions = {}) {
      const token = await identity(callOptions.as ?? 'gateway').tokenFor(service)
      const headers: Record<string, string> = { authorization: `Bearer ${token}` }
      if (callOptions.user !== undefined) headers[USER_TOKEN_HEADER] = await userToken(callOptions.user)
      const response = await fetch(`${shop.urls[service]}${path}`, {
        method,
        headers: {
          ...headers,
          ...(callOptions.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...callOptions.headers,
        },
        body: callOptions.body === undefined ? undefined : JSON.stringify(callOptions.body),
      })
      const text = await response.text()
      return { status: response.status, body: text === '' ? undefined : JSON.parse(text), headers: response.headers }
    },
    async close() {
      await shop.stop()
      if (own !== undefined) await own.close()
      else if (shop.wiring.transport === 'jetstream')
        await deleteStreams(shop.wiring.natsUrl, shop.wiring.natsNamespace ?? '')
      for (const { name, adminPgUrl: server } of shop.databases)
        await dropServiceDatabase(server, { database: name, role: name })
    },
  }
}

/**
 * Signs access tokens as the shop's users service does, with the key it keeps in its own database: the
 * test plays the identity provider's operator, so that specs can act as any user, admins included,
 * without registering them.
 */
function userTokenIssuer(shop: RunningShop): TestShop['userToken'] {
  let signer: Promise<{ kid: string; key: CryptoKey | Uint8Array }> | undefined
  const loadSigner = async () => {
    const sql = createDatabase(shop.databaseUrls.users, { applicationName: 'test-shop-issuer', max: 1 })
    try {
      const [row] = await sql<
        { kid: string; privateJwk: JWK }[]
      >`select kid, private_jwk as "privateJwk" from signing_keys order by generation desc limit 1`
      if (row === undefined)
        throw new Error('the users service has no signing key yet: start it before acting as a user')
      return { kid: row.kid, key: await importJWK(row.privateJwk, 'ES256') }
    } finally {
      await sql.end()
    }
  }
  return async (user, options = {}) => {
    const { kid, key } = await (signer ??= loadSigner())
    const now = Math.floor(Date.now() / 1000)
    return new SignJWT({ role: user.role, email: `user-${user.id}@example.com` })
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
      .setIssuer('seams-users')
      .setAudience('seams-shop')
      .setSubject(user.id)
      .setIssuedAt(now)
      .setExpirationTime(now + (options.expiresInSeconds ?? 900))
      .sign(key)
  }
}
