import { defineError, type SeamsErrorClass } from '@seams/core'

export const ConfigInvalid = defineError(
  'ConfigInvalid',
  'SEAMS_KIT_CONFIG_INVALID',
  'validation',
  'Invalid configuration',
)
export const MigrationFailed = defineError(
  'MigrationFailed',
  'SEAMS_KIT_MIGRATION_FAILED',
  'illegal_state',
  'Migration failed',
)
export const MigrationChanged = defineError(
  'MigrationChanged',
  'SEAMS_KIT_MIGRATION_CHANGED',
  'illegal_state',
  'An applied migration was edited',
)
export const ServiceTokenInvalid = defineError(
  'ServiceTokenInvalid',
  'SEAMS_KIT_SERVICE_TOKEN_INVALID',
  'unauthenticated',
  'A valid service token is required',
)
// The message is all a client learns: nothing that tells a forger which check the token failed.
export const AccessTokenInvalid = defineError(
  'AccessTokenInvalid',
  'SEAMS_KIT_ACCESS_TOKEN_INVALID',
  'unauthenticated',
  'Invalid or expired token',
)
export const IdentityProviderUnavailable = defineError(
  'IdentityProviderUnavailable',
  'SEAMS_KIT_IDENTITY_PROVIDER_UNAVAILABLE',
  'unavailable',
  'Access tokens cannot be verified right now',
)

// Raised by the framework's schema validation, rendered with the offending fields in `errors`.
export const RequestInvalid = defineError(
  'RequestInvalid',
  'SEAMS_HTTP_VALIDATION',
  'validation',
  'The request does not match the schema; `errors` lists each field and what is wrong with it',
)

export const serviceKitErrors: readonly SeamsErrorClass[] = [
  RequestInvalid,
  ConfigInvalid,
  MigrationFailed,
  MigrationChanged,
  ServiceTokenInvalid,
  AccessTokenInvalid,
  IdentityProviderUnavailable,
]
