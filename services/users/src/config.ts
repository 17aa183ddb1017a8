import { ConfigInvalid, serviceConfigFields } from '@seams/service-kit'
import Type, { type Static } from 'typebox'

const isPowerOfTwo = (value: number) => Number.isInteger(value) && value > 0 && (value & (value - 1)) === 0

export const UsersConfig = Type.Object({
  ...serviceConfigFields,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8081 }),
  SCRYPT_COST: Type.Refine(
    // With r = 8 the largest cost needs 128 MiB per hash, the most a stored hash may ask for. The default is
    // OWASP's minimum; only tests and benchmarks that hash thousands of passwords should set less.
    Type.Integer({
      minimum: 1024,
      maximum: 131_072,
      default: 131_072,
      description: 'scrypt N for new password hashes; older hashes are made again at this cost on their next login',
    }),
    isPowerOfTwo,
    () => 'must be a power of two',
  ),
  JWT_ISSUER: Type.String({ minLength: 1, default: 'seams-users', description: 'iss claim of access tokens' }),
  JWT_AUDIENCE: Type.String({ minLength: 1, default: 'seams-shop', description: 'aud claim of access tokens' }),
  PASSWORD_HASHING_CONCURRENCY: Type.Integer({
    minimum: 1,
    maximum: 64,
    default: 2,
    description: 'Passwords hashed at once (each holds a libuv thread and 128 MiB at the default cost)',
  }),
  PASSWORD_HASHING_QUEUE: Type.Integer({
    minimum: 0,
    maximum: 10_000,
    default: 8,
    description: 'Hashes waiting for a slot before logins and sign-ups get 503',
  }),
  LOGIN_FAILURES_PER_MINUTE: Type.Integer({
    minimum: 1,
    default: 600,
    description: 'Failed logins across all accounts per minute before every login gets 429 until the minute ends',
  }),
  REGISTRATIONS_PER_MINUTE: Type.Integer({
    minimum: 1,
    default: 100,
    description: 'Sign-ups across the service per minute',
  }),
  // Short-lived: a token cannot be revoked, and a deactivated user's lasts until it expires.
  JWT_TTL_SECONDS: Type.Integer({
    minimum: 60,
    maximum: 86_400,
    default: 900,
    description: 'Lifetime of access tokens',
  }),
  BOOTSTRAP_ADMIN_EMAIL: Type.Optional(
    Type.String({
      format: 'email',
      maxLength: 254,
      description: 'With BOOTSTRAP_ADMIN_PASSWORD: an admin ensured at start',
    }),
  ),
  BOOTSTRAP_ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 8, maxLength: 128 })),
})
export type UsersConfig = Static<typeof UsersConfig>

/** The admin to ensure at start; only half of the pair set is a mistake worth stopping for. */
export function bootstrapAdminOf(config: UsersConfig): { email: string; password: string } | undefined {
  const { BOOTSTRAP_ADMIN_EMAIL: email, BOOTSTRAP_ADMIN_PASSWORD: password } = config
  if (email === undefined && password === undefined) return undefined
  if (email === undefined || password === undefined) {
    throw new ConfigInvalid(
      'Invalid environment: BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD must be set together',
    )
  }
  return { email, password }
}
