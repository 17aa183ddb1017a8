import type { Clock, IdGenerator } from '@seams/core'
import { type Eventing, eventsReadiness } from '@seams/eventing'
import {
  createServiceApp,
  databaseCheck,
  type Logger,
  type Registry,
  type ServiceApp,
  type ServiceAuth,
  type Sql,
} from '@seams/service-kit'
import type { AccessTokens } from './access-tokens/access-tokens.ts'
import { jwksRoutes } from './access-tokens/jwks.route.ts'
import type { SigningKeys } from './access-tokens/signing-keys.ts'
import { deactivateUserRoutes } from './deactivate-user/deactivate-user.route.ts'
import { createLoginThrottle } from './login/login-throttle.ts'
import { loginRoutes } from './login/login.route.ts'
import type { PasswordHasher } from './passwords/password-hasher.ts'
import { readUserRoutes } from './read-user/read-user.route.ts'
import { registerUserRoutes } from './register-user/register-user.route.ts'
import { createRegistrationLimit } from './register-user/registration-limit.ts'
import { sweepThrottleCounters } from './throttling/sweep-throttle-counters.ts'
import { createThrottleStore } from './throttling/throttle-store.ts'
import { updateProfileRoutes } from './update-profile/update-profile.route.ts'

export interface UsersDeps {
  sql: Sql
  eventing: Eventing
  auth: ServiceAuth
  logger: Logger
  metrics: Registry
  newId: IdGenerator
  now: Clock
  passwords: PasswordHasher
  signingKeys: SigningKeys
  accessTokens: AccessTokens
  /**
   * Service-wide limits; the per-account and per-email ones are fixed (see login-throttle.ts, registration-limit.ts).
   */
  limits?: {
    /** @default 600 */
    loginFailuresPerMinute?: number
    /** @default 100 */
    registrationsPerMinute?: number
  }
}

/** The users service's HTTP app; it never listens, so tests drive it in-process. */
export async function buildApp(deps: UsersDeps): Promise<ServiceApp> {
  const app = await createServiceApp({
    service: 'users',
    logger: deps.logger,
    metrics: deps.metrics,
    auth: deps.auth,
    readiness: { database: databaseCheck(deps.sql), events: eventsReadiness(deps.eventing) },
    openapi: {
      title: 'Users',
      description: "User accounts and login, owned by the users service, the shop's identity provider.",
      tags: { users: 'Accounts: sign-up, profiles, deactivation', auth: 'Login, and the public keys of access tokens' },
    },
  })
  const outbox = deps.eventing.outbox
  const { newId, now } = deps
  const throttleStore = createThrottleStore(deps.sql)
  const limit = createRegistrationLimit(
    { store: throttleStore, now },
    { globalPerMinute: deps.limits?.registrationsPerMinute },
  )
  const throttle = createLoginThrottle(
    { store: throttleStore, now },
    { globalFailuresPerMinute: deps.limits?.loginFailuresPerMinute },
  )
  sweepThrottleCounters(app, { store: throttleStore, now, logger: deps.logger })
  registerUserRoutes(app, { outbox, passwords: deps.passwords, limit, newId, now })
  readUserRoutes(app, { sql: deps.sql })
  updateProfileRoutes(app, { outbox, newId, now })
  deactivateUserRoutes(app, { outbox, newId, now })
  loginRoutes(app, {
    sql: deps.sql,
    passwords: deps.passwords,
    accessTokens: deps.accessTokens,
    throttle,
    logger: deps.logger,
  })
  jwksRoutes(app, { signingKeys: deps.signingKeys })
  deps.eventing.registerRoutes(app)
  return app
}
