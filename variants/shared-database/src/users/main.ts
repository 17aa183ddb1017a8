import { UsersConfig, bootstrapAdminOf } from '../../../../services/users/src/config.ts'
import { createAccessTokens } from '../../../../services/users/src/access-tokens/access-tokens.ts'
import { jwksRoutes } from '../../../../services/users/src/access-tokens/jwks.route.ts'
import { loadSigningKeys } from '../../../../services/users/src/access-tokens/signing-keys.ts'
import { createLoginThrottle } from '../../../../services/users/src/login/login-throttle.ts'
import { loginRoutes } from '../../../../services/users/src/login/login.route.ts'
import { createPasswordHasher } from '../../../../services/users/src/passwords/password-hasher.ts'
import { readUserRoutes } from '../../../../services/users/src/read-user/read-user.route.ts'
import { createRegistrationLimit } from '../../../../services/users/src/register-user/registration-limit.ts'
import { sweepThrottleCounters } from '../../../../services/users/src/throttling/sweep-throttle-counters.ts'
import { createThrottleStore } from '../../../../services/users/src/throttling/throttle-store.ts'
import { startSharedService } from '../shared-service.ts'
import { ensureAdmin, manageAccountRoutes } from './manage-accounts.route.ts'

// Users on the shared database: identity (passwords, tokens, throttling) is the owned service's own code,
// since it reads and writes only users' tables; accounts are written with no event to tell anyone.
await startSharedService({
  service: 'users',
  config: UsersConfig,
  openapi: {
    title: 'Users',
    description: 'User accounts and login, in the shared database.',
    tags: { users: 'Accounts: sign-up, profiles, deactivation', auth: 'Login, and the public keys of access tokens' },
  },
  async routes({ app, sql, config, logger, newId, now }) {
    const passwords = createPasswordHasher({
      cost: config.SCRYPT_COST,
      concurrency: config.PASSWORD_HASHING_CONCURRENCY,
      queue: config.PASSWORD_HASHING_QUEUE,
    })
    const signingKeys = await loadSigningKeys(sql)
    const admin = bootstrapAdminOf(config)
    if (admin !== undefined) await ensureAdmin({ sql, passwords, newId }, admin)
    const store = createThrottleStore(sql)
    const limit = createRegistrationLimit({ store, now }, { globalPerMinute: config.REGISTRATIONS_PER_MINUTE })
    const throttle = createLoginThrottle({ store, now }, { globalFailuresPerMinute: config.LOGIN_FAILURES_PER_MINUTE })
    sweepThrottleCounters(app, { store, now, logger })
    manageAccountRoutes(app, { sql, passwords, limit, newId })
    readUserRoutes(app, { sql })
    const accessTokens = createAccessTokens(
      { signingKeys, now, newId },
      { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, ttlSeconds: config.JWT_TTL_SECONDS },
    )
    loginRoutes(app, { sql, passwords, accessTokens, throttle, logger })
    jwksRoutes(app, { signingKeys })
  },
})
