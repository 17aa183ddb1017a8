import { newId, systemClock } from '@seams/core'
import { bootstrapEventedService } from '@seams/eventing'
import { usersEvents } from '@shop/users-contracts'
import { createAccessTokens } from './access-tokens/access-tokens.ts'
import { loadSigningKeys } from './access-tokens/signing-keys.ts'
import { buildApp } from './app.ts'
import { ensureBootstrapAdmin } from './bootstrap-admin/bootstrap-admin.ts'
import { bootstrapAdminOf, UsersConfig } from './config.ts'
import { createPasswordHasher } from './passwords/password-hasher.ts'

await bootstrapEventedService({
  service: 'users',
  config: UsersConfig,
  publishes: usersEvents,
  migrations: new URL('../migrations', import.meta.url),
  async start({ config, sql, eventing, auth, logger, metrics }) {
    const passwords = createPasswordHasher({
      cost: config.SCRYPT_COST,
      concurrency: config.PASSWORD_HASHING_CONCURRENCY,
      queue: config.PASSWORD_HASHING_QUEUE,
    })
    const signingKeys = await loadSigningKeys(sql)
    const bootstrapAdmin = bootstrapAdminOf(config)
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
    return { app }
  },
})
