import { randomBytes } from 'node:crypto'
import { dropServiceDatabase, provisionServiceDatabase, type ServiceDatabaseSpec } from '@seams/provisioning'
import { inject } from 'vitest'

export interface TestDatabase {
  /** URL with the service role's own credentials. */
  url: string
  spec: ServiceDatabaseSpec
  adminUrl: string
  drop(): Promise<void>
}

/** Administrator URL of the PostgreSQL under test (see global-setup). */
export function adminDatabaseUrl(): string {
  return inject('seamsPgUrl')
}

/**
 * A fresh database and login role for one service, provisioned exactly as production does it, with a
 * random prefix so that runs and files never share state.
 */
export async function createTestDatabase(
  service: string,
  prefix = `t${randomBytes(4).toString('hex')}`,
): Promise<TestDatabase> {
  const adminUrl = adminDatabaseUrl()
  const spec = {
    database: `${prefix}_${service}`,
    role: `${prefix}_${service}`,
    password: randomBytes(16).toString('hex'),
  }
  const url = await provisionServiceDatabase(adminUrl, spec)
  return { url, spec, adminUrl, drop: () => dropServiceDatabase(adminUrl, spec) }
}
