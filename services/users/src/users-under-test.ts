import { fileURLToPath } from 'node:url'
import { newId, systemClock } from '@seams/core'
import { createEventing, type Eventing } from '@seams/eventing'
import {
  createDatabase,
  createLogger,
  createMetricsRegistry,
  runMigrations,
  type ServiceApp,
  type Sql,
} from '@seams/service-kit'
import {
  createTestDatabase,
  createTestIdentities,
  eventually,
  type TestDatabase,
  type TestIdentities,
} from '@seams/testing'
import { usersEvents } from '@shop/users-contracts'
import { createAccessTokens } from './access-tokens/access-tokens.ts'
import { loadSigningKeys } from './access-tokens/signing-keys.ts'
import { buildApp, type UsersDeps } from './app.ts'
import { createPasswordHasher } from './passwords/password-hasher.ts'

/** The users service on a fresh database of its own, wired as main.ts wires it; for integration specs. */
export interface UsersUnderTest {
  database: TestDatabase
  sql: Sql
  eventing: Eventing
  /** The deployment's identities: calls as another service, or as the gateway for a user. */
  identities: TestIdentities
  /** Builds an app on this database the way main.ts does at start, so a second call is a restart. */
  buildApp(options?: { scryptCost?: number; limits?: UsersDeps['limits'] }): Promise<ServiceApp>
  /**
   * Runs `work` once per replica, each on its own pool, while `table` is locked; the lock is released
   * only once every replica waits on it, so their first reads run together as on a simultaneous start.
   */
  raceReplicas<T>(replicas: number, table: string, work: (sql: Sql) => Promise<T>): Promise<PromiseSettledResult<T>[]>
  close(): Promise<void>
}

export const testTokenClaims = { issuer: 'seams-users', audience: 'seams-shop', ttlSeconds: 3600 }

export async function createUsersUnderTest(): Promise<UsersUnderTest> {
  const database = await createTestDatabase('users')
  const sql = createDatabase(database.url, { applicationName: 'users-test', max: 20 })
  const eventing = createEventing({ sql, service: 'users', publishes: usersEvents, transport: 'http-feed' })
  await runMigrations(sql, {
    sources: [
      ...eventing.migrations,
      { component: 'users', directory: fileURLToPath(new URL('../migrations', import.meta.url)) },
    ],
  })
  const apps: ServiceApp[] = []
  const identities = await createTestIdentities()
  return {
    database,
    sql,
    eventing,
    identities,
    // A low scrypt cost keeps the specs quick; the unit specs cover the hash format at any cost.
    async buildApp({ scryptCost = 1024, limits } = {}) {
      const signingKeys = await loadSigningKeys(sql)
      const app = await buildApp({
        sql,
        eventing,
        auth: identities.authOf('users'),
        logger: createLogger({ service: 'users', level: 'silent' }),
        metrics: createMetricsRegistry('users'),
        newId,
        now: systemClock,
        passwords: createPasswordHasher({ cost: scryptCost }),
        signingKeys,
        accessTokens: createAccessTokens({ signingKeys, now: systemClock, newId }, testTokenClaims),
        limits,
      })
      apps.push(app)
      return app
    },
    async raceReplicas(replicas, table, work) {
      const pools = Array.from({ length: replicas }, (_, index) =>
        createDatabase(database.url, { applicationName: `users-replica-${index}`, max: 1 }),
      )
      try {
        const { settled } = await sql.begin(async (tx) => {
          await tx`lock table ${tx(table)} in access exclusive mode`
          const settled = Promise.allSettled(pools.map(work))
          await eventually(
            `${replicas} replicas waiting for the lock`,
            async () =>
              (
                await sql`select count(*)::int as n from pg_locks where relation = ${table}::regclass and not granted`
              )[0]!['n'] === replicas,
            { timeoutMs: 10_000, intervalMs: 10 },
          )
          return { settled }
        })
        return await settled
      } finally {
        await Promise.all(pools.map((pool) => pool.end()))
      }
    },
    async close() {
      for (const app of apps) await app.close()
      await sql.end()
      await database.drop()
    },
  }
}
