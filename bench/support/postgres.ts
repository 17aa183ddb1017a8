import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import {
  dropServiceDatabase,
  provisionServiceDatabase,
  startEmbeddedPostgres,
  type RunningPostgres,
} from '@seams/provisioning'

export interface BenchPostgres {
  adminUrl: string
  /** The embedded server's postmaster; undefined for a server at `--pg-url`, which others may share. */
  postmasterPid(): number | undefined
  /** A fresh database and role for one benchmark participant. */
  database(name: string): Promise<string>
  close(): Promise<void>
}

/** The PostgreSQL under test: `--pg-url`, or an embedded one kept under .seams/bench-pg. */
export async function benchPostgres(pgUrl: string | undefined, embeddedPort: number): Promise<BenchPostgres> {
  let embedded: RunningPostgres | undefined
  let adminUrl = pgUrl
  if (adminUrl === undefined) {
    embedded = await startEmbeddedPostgres({ dataDir: resolve('.seams/bench-pg'), port: embeddedPort })
    adminUrl = embedded.adminUrl
  }
  const made: { database: string; role: string }[] = []
  const run = `b${randomBytes(3).toString('hex')}`
  const dataDir = resolve('.seams/bench-pg')
  return {
    adminUrl,
    postmasterPid: () =>
      embedded === undefined ? undefined : Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]),
    async database(name) {
      const spec = { database: `${run}_${name}`, role: `${run}_${name}`, password: randomBytes(16).toString('hex') }
      made.push(spec)
      return provisionServiceDatabase(adminUrl, spec)
    },
    async close() {
      for (const spec of made) await dropServiceDatabase(adminUrl, spec).catch(() => {})
      await embedded?.stop()
    },
  }
}
