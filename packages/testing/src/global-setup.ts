import { resolve } from 'node:path'
import { startEmbeddedPostgres, type RunningPostgres } from '@seams/provisioning'
import postgres from 'postgres'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Administrator URL of the PostgreSQL the integration tests use. */
    seamsPgUrl: string
  }
}

/**
 * Integration tests run against a real PostgreSQL: the one at SEAMS_PG_URL (CI sets it to the
 * machine's server), or else an embedded one kept under .seams/test-pg. Unreachable is a failure.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let embedded: RunningPostgres | undefined
  let adminUrl = process.env['SEAMS_PG_URL']
  if (adminUrl === undefined || adminUrl === '') {
    embedded = await startEmbeddedPostgres({
      dataDir: resolve('.seams/test-pg'),
      port: Number(process.env['SEAMS_TEST_PG_PORT'] ?? 15433),
    })
    adminUrl = embedded.adminUrl
  }
  const admin = postgres(adminUrl, { max: 1, connect_timeout: 5, onnotice: () => {} })
  try {
    await admin`select 1`
  } catch (error) {
    throw new Error(`PostgreSQL at ${redact(adminUrl)} is unreachable: ${(error as Error).message}`)
  } finally {
    await admin.end()
  }
  project.provide('seamsPgUrl', adminUrl)
  return async () => {
    await embedded?.stop()
  }
}

function redact(url: string): string {
  const parsed = new URL(url)
  if (parsed.password !== '') parsed.password = '***'
  return parsed.toString()
}
