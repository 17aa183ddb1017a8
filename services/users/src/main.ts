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
  root: new URL('..', import.meta.url),
  publishes: usersEvents,
  async start(context) {
    const { config, sql, eventing, logger, newId, now } = context
    const passwords = createPasswordHasher({
      cost: config.SCRYPT_COST,
      concurrency: config.PASSWORD_HASHING_CONCURRENCY,
      queue: config.PASSWORD_HASHING_QUEUE,
    })
    const signingKeys = await loadSigningKeys(sql)
    const bootstrapAdmin = bootstrapAdminOf(config)
    if (bootstrapAdmin !== undefined) {
      const { created, user } = await ensureBootstrapAdmin(
        { outbox: eventing.outbox, passwords, newId, now },
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
      ...context,
      passwords,
      signingKeys,
      accessTokens: createAccessTokens(
        { signingKeys, now, newId },
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
