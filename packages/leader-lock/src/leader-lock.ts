import type { Logger } from '@seams/core'
import type { ReservedSql, Sql } from 'postgres'

export interface LeaderLockOptions {
  sql: Sql
  /** Names the role; replicas using the same key compete for it. */
  key: string
  /**
   * How often a standby tries to take over.
   * @default 1000
   */
  intervalMs?: number
  /**
   * How often the leader checks that the session holding the lock is alive. The work's own queries run on
   * other connections; this bounds how long a leader whose session died keeps working after a standby took
   * over, which the work must tolerate anyway (consumers deduplicate, sagas check versions). Each check
   * wakes an idle process, so it is not frequent.
   * @default 5000
   */
  heartbeatMs?: number
  logger?: Logger
}

/**
 * Runs while this process holds the lock. `signal` aborts when the lock is lost or stop() is called; the
 * connection is the one holding the lock, for work that must die with it.
 */
export type LeaderWork = (connection: ReservedSql, signal: AbortSignal) => Promise<void>

export interface LeaderLock {
  isLeader(): boolean
  /** Aborts the work, waits for it and releases the lock. */
  stop(): Promise<void>
}

/**
 * Competes for a session advisory lock and runs `work` while holding it. PostgreSQL releases the lock
 * when the holder's session ends, so a crashed leader's standby takes over within one interval. The
 * leader checks its session every heartbeat and aborts the work if the session is gone.
 */
export function runWhileLeader(options: LeaderLockOptions, work: LeaderWork): LeaderLock {
  const { sql, key } = options
  const intervalMs = options.intervalMs ?? 1000
  const stopping = new AbortController()
  let leader = false

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopping.signal.aborted) return resolve()
      const done = () => {
        clearTimeout(timer)
        stopping.signal.removeEventListener('abort', done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      stopping.signal.addEventListener('abort', done, { once: true })
    })

  async function lead(connection: ReservedSql): Promise<void> {
    const lost = new AbortController()
    const abortAll = () => lost.abort()
    stopping.signal.addEventListener('abort', abortAll, { once: true })
    const heartbeat = setInterval(() => {
      connection`select 1`.catch((error: unknown) => {
        options.logger?.error({ err: error, key }, 'lost the session holding leadership')
        lost.abort()
      })
    }, options.heartbeatMs ?? 5000)
    try {
      await work(connection, lost.signal)
    } finally {
      clearInterval(heartbeat)
      stopping.signal.removeEventListener('abort', abortAll)
    }
  }

  async function compete(): Promise<void> {
    while (!stopping.signal.aborted) {
      let connection: ReservedSql | undefined
      try {
        // A pooled query first: it reconnects a pool connection whose session died, which reserve()
        // would otherwise hand out again, dead, every time.
        await sql`select 1`
        connection = await sql.reserve()
        const [row] = await connection<{ locked: boolean }[]>`select pg_try_advisory_lock(hashtext(${key})) as locked`
        if (row?.locked === true) {
          leader = true
          options.logger?.info({ key }, 'took leadership')
          try {
            await lead(connection)
          } finally {
            leader = false
            await connection`select pg_advisory_unlock(hashtext(${key}))`.catch(() => {})
          }
        }
      } catch (error) {
        options.logger?.error({ err: error, key }, 'leadership work failed; competing again')
      } finally {
        connection?.release()
      }
      await pause(intervalMs)
    }
  }

  const running = compete()
  return {
    isLeader: () => leader,
    async stop() {
      stopping.abort()
      await running
    },
  }
}
