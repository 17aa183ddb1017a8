import Type, { type Static, type TObject } from 'typebox'
import { createAccessTokenVerifier, remoteSigningKeys } from './access-tokens.ts'
import { createServiceAuth, type ServiceAuth } from './service-auth.ts'

const keyPattern = '[A-Za-z0-9_-]{40,}'

/**
 * How a service logs in to NATS: a user and password, or a `.creds` file (accounts and nkeys); anonymous
 * when none is set. Part of `serviceConfigFields`, and exported alone for a service that picks its fields.
 * The password is `secret`: a configuration error never shows its value.
 */
export const natsLoginFields = {
  NATS_USER: Type.Optional(
    Type.String({ minLength: 1, pattern: '^[A-Za-z0-9_-]+$', description: "This service's own NATS user" }),
  ),
  NATS_PASSWORD: Type.Optional(Type.String({ minLength: 1, secret: true, description: 'Password of NATS_USER' })),
  NATS_CREDS: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'Path of a NATS .creds file (user JWT and nkey seed), instead of NATS_USER and NATS_PASSWORD',
    }),
  ),
}

/**
 * Environment variables every service reads; a service's config schema spreads these and adds its own.
 * DATABASE_URL and the identity's keys have no default: a service must never guess where its data lives
 * or who it is. A setting the toolkit has a default for is optional here and left unset, so that the
 * toolkit's `@default` is its one source (pool size: `createDatabase`; NATS: `createEventTransport`).
 */
export const serviceConfigFields = {
  HOST: Type.String({ default: '127.0.0.1', description: 'Interface to listen on' }),
  DATABASE_URL: Type.String({
    pattern: '^postgres(ql)?://',
    description: "This service's own database, with its own role",
  }),
  DATABASE_POOL_SIZE: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 200, description: "Connections in the service's pool (createDatabase's max)" }),
  ),
  ...serviceIdentityFields(),
  LOG_LEVEL: Type.Optional(
    Type.Union(
      [
        Type.Literal('fatal'),
        Type.Literal('error'),
        Type.Literal('warn'),
        Type.Literal('info'),
        Type.Literal('debug'),
        Type.Literal('trace'),
        Type.Literal('silent'),
      ],
      { description: "Least severe level logged (createLogger's level)" },
    ),
  ),
  EVENT_TRANSPORT: Type.Union([Type.Literal('http-feed'), Type.Literal('jetstream')], { default: 'http-feed' }),
  NATS_URL: Type.Optional(Type.String({ minLength: 1, description: 'NATS servers, for EVENT_TRANSPORT=jetstream' })),
  OPERATORS: Type.String({
    default: 'operator',
    pattern: '^[a-z-]+(,[a-z-]+)*$',
    description:
      'Comma-separated services allowed on the /ops routes (the seams command line mints tokens as operator)',
  }),
  EVENT_READERS: Type.String({
    default: '',
    pattern: '^([a-z-]+(,[a-z-]+)*)?$',
    description: "Comma-separated identities that may read this service's event feed: its declared consumers",
  }),
  NATS_NAMESPACE: Type.Optional(
    Type.String({
      pattern: '^[a-z0-9_-]*$',
      description: "Keeps this deployment's streams apart on a shared NATS server",
    }),
  ),
  ...natsLoginFields,
}

function serviceIdentityFields() {
  return {
    SERVICE_PRIVATE_KEY: Type.String({
      pattern: `^${keyPattern}$`,
      secret: true,
      description: "This service's own Ed25519 private key (base64url PKCS #8): it signs the tokens of its calls",
    }),
    SERVICE_PUBLIC_KEYS: Type.String({
      pattern: `^[a-z-]+=${keyPattern}(,[a-z-]+=${keyPattern})*$`,
      description:
        'name=public key, comma-separated: the identities (services, operator) whose calls this service accepts',
    }),
    EDGE_CALLERS: Type.String({
      default: 'gateway',
      pattern: '^[a-z-]+(,[a-z-]+)*$',
      description: 'Identities that forward end users; their calls without a user are anonymous',
    }),
    ACCESS_TOKEN_JWKS_URL: Type.String({
      pattern: '^https?://',
      description: "Public keys of end users' access tokens (the identity provider's JWKS)",
    }),
    ACCESS_TOKEN_ISSUER: Type.String({
      minLength: 1,
      default: 'seams-users',
      description: 'iss claim of access tokens',
    }),
    ACCESS_TOKEN_AUDIENCE: Type.String({
      minLength: 1,
      default: 'seams-shop',
      description: 'aud claim of access tokens',
    }),
  }
}

export type ServiceIdentityConfig = Static<TObject<ReturnType<typeof serviceIdentityFields>>>

/** Comma-separated names, trimmed. */
export const namesOf = (list: string): string[] =>
  list
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '')

/** The identity of `service` from its configuration: its key, the callers it accepts, and end users' tokens. */
export function serviceAuthFromConfig(service: string, config: ServiceIdentityConfig): ServiceAuth {
  const peers = Object.fromEntries(
    namesOf(config.SERVICE_PUBLIC_KEYS).map((pair) => pair.split('=') as [string, string]),
  )
  const users = createAccessTokenVerifier(remoteSigningKeys(config.ACCESS_TOKEN_JWKS_URL, { timeoutMs: 2000 }), {
    issuer: config.ACCESS_TOKEN_ISSUER,
    audience: config.ACCESS_TOKEN_AUDIENCE,
  })
  return createServiceAuth({
    service,
    privateKey: config.SERVICE_PRIVATE_KEY,
    peers,
    edges: namesOf(config.EDGE_CALLERS),
    users,
  })
}
