import Type from 'typebox'

/**
 * How a service logs in to NATS: a user and password, or a `.creds` file (accounts and nkeys); anonymous
 * when none is set. Part of `serviceConfigFields`, and exported alone for a service that picks its fields.
 * The password is `secret`: a configuration error never shows its value.
 */
export const natsLoginFields = {
  NATS_USER: Type.Optional(Type.String({ minLength: 1, pattern: '^[A-Za-z0-9_-]+$', description: 'This service\'s own NATS user' })),
  NATS_PASSWORD: Type.Optional(Type.String({ minLength: 1, secret: true, description: 'Password of NATS_USER' })),
  NATS_CREDS: Type.Optional(Type.String({ minLength: 1, description: 'Path of a NATS .creds file (user JWT and nkey seed), instead of NATS_USER and NATS_PASSWORD' })),
}

/**
 * Environment variables every service reads; a service's config schema spreads these and adds its own.
 * DATABASE_URL and SERVICE_SECRET have no default: a service must never guess where its data lives.
 */
export const serviceConfigFields = {
  HOST: Type.String({ default: '127.0.0.1', description: 'Interface to listen on' }),
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://', description: 'This service\'s own database, with its own role' }),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  SERVICE_SECRET: Type.String({ minLength: 32, description: 'Shared secret for service-to-service tokens' }),
  LOG_LEVEL: Type.Union([Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'), Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent')], { default: 'info' }),
  EVENT_TRANSPORT: Type.Union([Type.Literal('http-feed'), Type.Literal('jetstream')], { default: 'http-feed' }),
  NATS_URL: Type.String({ default: 'nats://127.0.0.1:4222' }),
  OPERATORS: Type.String({ default: 'operator', pattern: '^[a-z-]+(,[a-z-]+)*$', description: 'Comma-separated services allowed on the /ops routes (the seams command line mints tokens as operator)' }),
  NATS_NAMESPACE: Type.String({ default: '', pattern: '^[a-z0-9_-]*$', description: 'Keeps this deployment\'s streams apart on a shared NATS server' }),
  ...natsLoginFields,
}
