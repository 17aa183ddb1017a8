import Type, { type Static } from 'typebox'

export const UserId = Type.String({ format: 'uuid', maxLength: 36, description: 'User id' })

export const Email = Type.String({
  format: 'email',
  maxLength: 254,
  description: 'Compared case-insensitively; stored lower-cased',
})

export const UserRole = Type.Union([Type.Literal('customer'), Type.Literal('admin')])
export type UserRole = Static<typeof UserRole>

export const UserStatus = Type.Union([Type.Literal('active'), Type.Literal('deactivated')])
export type UserStatus = Static<typeof UserStatus>

export const User = Type.Object({
  id: UserId,
  email: Email,
  name: Type.String({ maxLength: 200, pattern: '\\S' }),
  role: UserRole,
  status: UserStatus,
  version: Type.Integer({ format: 'int64', minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
  createdAt: Type.String({ format: 'date-time', maxLength: 40 }),
  updatedAt: Type.String({ format: 'date-time', maxLength: 40 }),
})
export type User = Static<typeof User>

// At least one visible character: a blank name would show as nothing everywhere it is replicated.
const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' })

// Role, status and version are never accepted from clients: a sign-up is always an active customer.
export const RegisterUserRequest = Type.Object(
  {
    email: Email,
    name: Name,
    password: Type.String({ minLength: 8, maxLength: 128 }),
  },
  { additionalProperties: false },
)
export type RegisterUserRequest = Static<typeof RegisterUserRequest>

export const UpdateProfileRequest = Type.Object({ name: Name }, { additionalProperties: false })
export type UpdateProfileRequest = Static<typeof UpdateProfileRequest>

export const LoginRequest = Type.Object(
  {
    email: Email,
    // Bounded so that a login attempt cannot make the service hash megabytes.
    password: Type.String({ minLength: 1, maxLength: 128 }),
  },
  { additionalProperties: false },
)
export type LoginRequest = Static<typeof LoginRequest>

export const LoginResponse = Type.Object({
  accessToken: Type.String({
    maxLength: 4096,
    pattern: '^[\\w-]+\\.[\\w-]+\\.[\\w-]+$',
    description: 'ES256 JWT; verify it with the keys at /.well-known/jwks.json',
  }),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer({
    format: 'int32',
    minimum: 1,
    maximum: 86_400,
    description: 'Seconds until the token expires',
  }),
  user: User,
})
export type LoginResponse = Static<typeof LoginResponse>

export const IdParams = Type.Object({ id: UserId }, { additionalProperties: false })
export type IdParams = Static<typeof IdParams>

/** What an access token asserts, beyond the registered claims iss, aud, exp, iat and jti. */
export const AccessTokenClaims = Type.Object({
  sub: UserId,
  role: UserRole,
  email: Email,
})
export type AccessTokenClaims = Static<typeof AccessTokenClaims>

/** Where the public keys of access tokens are served, without a service token. */
export const JWKS_PATH = '/.well-known/jwks.json'

/** Public signing keys (RFC 7517); verifiers pick one by the token's `kid`. */
export const JsonWebKeySet = Type.Object({
  keys: Type.Array(
    Type.Object({
      kty: Type.Literal('EC'),
      crv: Type.Literal('P-256'),
      x: Type.String({ maxLength: 64, pattern: '^[\\w-]+$' }),
      y: Type.String({ maxLength: 64, pattern: '^[\\w-]+$' }),
      kid: Type.String({ maxLength: 128, pattern: '^[\\w-]+$' }),
      alg: Type.Literal('ES256'),
      use: Type.Literal('sig'),
    }),
    { maxItems: 16 },
  ),
})
export type JsonWebKeySet = Static<typeof JsonWebKeySet>
