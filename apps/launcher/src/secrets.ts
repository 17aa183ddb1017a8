import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { databaseOwners, serviceNames } from './topology.ts'

export interface ShopSecrets {
  serviceSecret: string
  /** Login password of each service's database role. */
  databasePasswords: Record<string, string>
  adminPassword: string
  demoPassword: string
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

export function generateSecrets(): ShopSecrets {
  return {
    serviceSecret: token(32),
    databasePasswords: Object.fromEntries(databaseOwners.map((service) => [service, token(18)])),
    natsPasswords: natsPasswords(),
    adminPassword: token(12),
    demoPassword: 'demo-password-1',
  }
}

/** Secrets of a local installation, made on first start and kept (mode 600) so restarts keep working. */
export async function loadOrCreateSecrets(path: string): Promise<ShopSecrets> {
  if (existsSync(path)) {
    const kept = JSON.parse(await readFile(path, 'utf8')) as ShopSecrets
    if (kept.natsPasswords !== undefined) return kept
    const completed = { ...kept, natsPasswords: natsPasswords() }
    await writeFile(path, `${JSON.stringify(completed, null, 2)}\n`, { mode: 0o600 })
    return completed
  }
  const secrets = { ...generateSecrets(), natsNamespace: `shop-${randomBytes(4).toString('hex')}` }
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 })
  return secrets
}
