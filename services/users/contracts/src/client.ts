import type { CallContext, HttpClient } from '@seams/http-client'
import { registerProblemCodes, type RegisterProblemCode } from './errors.ts'
import { JWKS_PATH, type JsonWebKeySet, type RegisterUserRequest, type User } from './http.ts'

export type RegisterUserResult = { ok: true; user: User } | { ok: false; reason: 'DUPLICATE_EMAIL' }

// One entry per code sign-up refuses with: a code added to the contract fails to compile until mapped here.
const registrationRefusals = {
  USERS_DUPLICATE_EMAIL: { ok: false, reason: 'DUPLICATE_EMAIL' },
} as const satisfies Record<RegisterProblemCode, RegisterUserResult>

/** Typed calls to the users service; transport, retries and tokens come from the given HttpClient. */
export function createUsersClient(http: HttpClient) {
  return {
    /** The user the call acts for (context.userToken), deactivated or not. */
    async getMe(context: CallContext = {}): Promise<User | undefined> {
      const response = await http.call<User>({ method: 'GET', path: '/users/me', ...context }, [404])
      return response.status === 404 ? undefined : response.body
    },
    /** Undefined when there is no such user, or when the acting user may not see it. */
    async getUser(id: string, context: CallContext = {}): Promise<User | undefined> {
      const response = await http.call<User>(
        { method: 'GET', path: `/users/${encodeURIComponent(id)}`, ...context },
        [404],
      )
      return response.status === 404 ? undefined : response.body
    },

    /** Signs up a customer; an email already in use (in any letter case) is an expected outcome. */
    async register(request: RegisterUserRequest, context: CallContext = {}): Promise<RegisterUserResult> {
      const response = await http.call<User | { code: RegisterProblemCode }>(
        { method: 'POST', path: '/users', body: request, ...context },
        registerProblemCodes,
      )
      return response.status >= 400
        ? registrationRefusals[(response.body as { code: RegisterProblemCode }).code]
        : { ok: true, user: response.body as User }
    },

    /** The public keys that verify access tokens, for verifiers that cache keys themselves. */
    async getSigningKeys(context: CallContext = {}): Promise<JsonWebKeySet> {
      return (await http.call<JsonWebKeySet>({ method: 'GET', path: JWKS_PATH, ...context })).body
    },
  }
}

export type UsersClient = ReturnType<typeof createUsersClient>
