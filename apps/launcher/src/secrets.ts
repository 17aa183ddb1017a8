import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { generateServiceKeyPair, type ServiceKeyPair } from '@seams/service-kit'
import { databaseOwners, identities, serviceNames } from './topology.ts'

export interface ShopSecrets {
  /** Each identity's own key pair (every service, and the operator of the `seams` command line). */
  serviceKeys: Record<string, ServiceKeyPair>
  /** Login password of each service's database role. */
  databasePasswords: Record<string, string>
  adminPassword: string
  /** The demo customers' published password; absent in production mode, which makes no demo customers. */
  demoPassword?: string
  /** The embedded PostgreSQL superuser's password (production mode; the demo shop's is `postgres`). */
  postgresPassword?: string
  /** Made in production mode: such a data folder is only ever started in production mode, and the other way round. */
  production?: true
  /**
   * Password of each service's user on the launcher's own nats-server. Absent in installations made before
   * it existed; added at their next start.
   */
  natsPasswords?: Record<string, string>
  /**
   * Not a secret, but like the secrets it belongs to this installation: the prefix of its JetStream streams,
   * so that a shop made afresh (a new data folder) never meets an earlier one's streams on the same NATS
   * server. Absent in installations made before it existed, which keep the unprefixed streams they have.
   */
  natsNamespace?: string
}

// Never starting with '-': a password like `-x9...` reads as an option to command-line tools.
function token(bytes: number): string {
  for (;;) {
    const candidate = randomBytes(bytes).toString('base64url')
    if (candidate[0] !== '-') return candidate
  }
}

const natsPasswords = () => Object.fromEntries(serviceNames.map((service) => [service, token(24)]))

export function generateSecrets(): ShopSecrets & { demoPassword: string } {
  return {
    serviceKeys: generateServiceKeys(),
    // `shop` is the shared topology's one role.
    databasePasswords: Object.fromEntries([...databaseOwners, 'shop'].map((service) => [service, token(18)])),
    natsPasswords: natsPasswords(),
    adminPassword: token(12),
    demoPassword: 'demo-password-1',
  }
}

function generateServiceKeys(): Record<string, ServiceKeyPair> {
  return Object.fromEntries(identities.map((identity) => [identity, generateServiceKeyPair()]))
}

/** Every secret generated, none fixed, no demo password: what a production installation keeps. */
export function generateProductionSecrets(): ShopSecrets {
  const { demoPassword: _published, ...secrets } = generateSecrets()
  return { ...secrets, adminPassword: token(18), postgresPassword: token(24), production: true }
}

/** The secrets kept at `path`, if there are any. */
export async function readSecrets(path: string): Promise<ShopSecrets | undefined> {
  if (!existsSync(path)) return undefined
  const text = await readFile(path, 'utf8')
  try {
    return JSON.parse(text) as ShopSecrets
  } catch {
    // JSON.parse's message quotes the text around the mistake, which here is a secret.
    throw new Error(`${path} is not valid JSON`)
  }
}

/**
 * Secrets of a local installation, made on first start and kept (mode 600) so restarts keep working.
 * An installation from before per-service keys or NATS users gets them now; the shared secret it had is dropped.
 */
export async function loadOrCreateSecrets(path: string, options: { production?: boolean } = {}): Promise<ShopSecrets> {
  const existing = (await readSecrets(path)) as (ShopSecrets & { serviceSecret?: string }) | undefined
  if (existing !== undefined) {
    const complete =
      existing.natsPasswords !== undefined &&
      existing.serviceKeys !== undefined &&
      identities.every((identity) => existing.serviceKeys[identity] !== undefined)
    if (complete) return existing
    const { serviceSecret: _dropped, ...rest } = existing
    const upgraded = {
      ...rest,
      serviceKeys: { ...generateServiceKeys(), ...existing.serviceKeys },
      natsPasswords: existing.natsPasswords ?? natsPasswords(),
    }
    await writeFile(path, `${JSON.stringify(upgraded, null, 2)}\n`, { mode: 0o600 })
    return upgraded
  }
  const secrets = {
    ...(options.production === true ? generateProductionSecrets() : generateSecrets()),
    natsNamespace: `shop-${randomBytes(4).toString('hex')}`,
  }
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 })
  return secrets
}
