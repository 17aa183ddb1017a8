import { fileURLToPath } from 'node:url'
import { newId, systemClock } from '@seams/core'
import { createEventing } from '@seams/eventing'
import {
  createDatabase,
  createLogger,
  createMetricsRegistry,
  loadConfig,
  namesOf,
  runMigrations,
  runService,
  serviceAuthFromConfig,
} from '@seams/service-kit'
import { usersEvents } from '@shop/users-contracts'
import { createAccessTokens } from './access-tokens/access-tokens.ts'
import { loadSigningKeys } from './access-tokens/signing-keys.ts'
import { buildApp } from './app.ts'
import { ensureBootstrapAdmin } from './bootstrap-admin/bootstrap-admin.ts'
import { bootstrapAdminOf, UsersConfig } from './config.ts'
import { createPasswordHasher } from './passwords/password-hasher.ts'

const config = loadConfig(UsersConfig, process.env)
const bootstrapAdmin = bootstrapAdminOf(config)
const logger = createLogger({ service: 'users', level: config.LOG_LEVEL })

await runService({
  logger,
  async start() {
    const metrics = createMetricsRegistry('users')
    const sql = createDatabase(config.DATABASE_URL, {
      applicationName: 'users',
      max: config.DATABASE_POOL_SIZE,
      metrics,
    })
    const auth = serviceAuthFromConfig('users', config)
    const eventing = createEventing({
      sql,
      databaseUrl: config.DATABASE_URL,
      service: 'users',
      publishes: usersEvents,
      transport: config.EVENT_TRANSPORT,
      natsUrl: config.NATS_URL,
      natsCredentials: { user: config.NATS_USER, password: config.NATS_PASSWORD, credsFile: config.NATS_CREDS },
      natsNamespace: config.NATS_NAMESPACE,
      tokens: auth,
      feedReaders: namesOf(config.EVENT_READERS),
      logger,
      metrics,
    })
    await runMigrations(sql, {
      sources: [
        ...eventing.migrations,
        { component: 'users', directory: fileURLToPath(new URL('../migrations', import.meta.url)) },
      ],
      log: (message) => logger.info(message),
    })
    const passwords = createPasswordHasher({
      cost: config.SCRYPT_COST,
      concurrency: config.PASSWORD_HASHING_CONCURRENCY,
      queue: config.PASSWORD_HASHING_QUEUE,
    })
    const signingKeys = await loadSigningKeys(sql)
    if (bootstrapAdmin !== undefined) {
      const { created, user } = await ensureBootstrapAdmin(
        { outbox: eventing.outbox, passwords, newId, now: systemClock },
        bootstrapAdmin,
      )
      if (created) logger.info({ userId: user.id }, 'created the bootstrap admin')
      else if (user.role !== 'admin')
        logger.warn(
          { userId: user.id },
          'BOOTSTRAP_ADMIN_EMAIL belongs to an account that is not an admin; it was left as it is',
        )
    }
    const app = await buildApp({
      sql,
      eventing,
      auth,
      logger,
      metrics,
      newId,
      now: systemClock,
      passwords,
      signingKeys,
      accessTokens: createAccessTokens(
        { signingKeys, now: systemClock, newId },
        { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, ttlSeconds: config.JWT_TTL_SECONDS },
      ),
      limits: {
        loginFailuresPerMinute: config.LOGIN_FAILURES_PER_MINUTE,
        registrationsPerMinute: config.REGISTRATIONS_PER_MINUTE,
      },
    })
    await app.listen({ port: config.PORT, host: config.HOST })
    eventing.start()
    return {
      async stop() {
        await app.close()
        await eventing.stop()
        await sql.end({ timeout: 5 })
      },
    }
  },
})
