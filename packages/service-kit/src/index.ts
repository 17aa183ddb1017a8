export { loadConfig } from './config.ts'
export type { Environment } from './config.ts'
export { createLogger } from './logger.ts'
export type { Logger, LoggerOptions } from './logger.ts'
export { createMetricsRegistry, Registry } from './metrics.ts'
export { createDatabase } from './database.ts'
export type { DatabaseOptions, Sql, TransactionSql } from './database.ts'
export { runMigrations } from './migrations.ts'
export type { MigrationSource, MigrationsOptions } from './migrations.ts'
export { createServiceApp } from './service-app.ts'
export type { ConnectionLimits, ServiceApp, ServiceAppOptions } from './service-app.ts'
export { databaseCheck } from './health.ts'
export type { CheckResult, ReadinessCheck } from './health.ts'
export { sendProblem } from './problem-handler.ts'
export {
  apiSecurity,
  edgeSecuritySchemes,
  kitProblemCodes,
  problemOf,
  problemResponses,
  problemSchema,
  problemsOf,
  serviceSecuritySchemes,
} from './openapi.ts'
export type { ProblemCode } from './openapi.ts'
export { createServiceAuth, generateServiceKeyPair } from './service-auth.ts'
export type { Caller, ServiceAuth, ServiceAuthOptions, ServiceKeyPair } from './service-auth.ts'
export { createAccessTokenVerifier, remoteSigningKeys } from './access-tokens.ts'
export type { AccessTokenVerifier, AccessTokenVerifierOptions, ActingUser } from './access-tokens.ts'
export { runService } from './run-service.ts'
export { bootstrapService, openServiceDatabase } from './bootstrap.ts'
export type {
  BootstrapOptions,
  ServiceBaseConfig,
  ServiceContext,
  ServiceDatabaseConfig,
  StartedService,
} from './bootstrap.ts'
export type { RunningService, RunServiceOptions } from './run-service.ts'
export { startTelemetry, shutdownTelemetry } from './telemetry.ts'
export type { Telemetry, TelemetryOptions } from './telemetry.ts'
export {
  ConfigInvalid,
  MigrationFailed,
  MigrationChanged,
  ServiceTokenInvalid,
  AccessTokenInvalid,
  IdentityProviderUnavailable,
  RequestInvalid,
  serviceKitErrors,
} from './errors.ts'
export { requireUser, requireRole, requireService, requireReader, mayRead, isOwnerOrAdmin } from './authorization.ts'
export type { Reader } from './authorization.ts'
export { serviceConfigFields, serviceAuthFromConfig, namesOf } from './service-config.ts'
export type { ServiceIdentityConfig } from './service-config.ts'
export { natsLoginFields } from './service-config.ts'
export { isSecretName, logRedactPaths, redactCredentials } from './redaction.ts'
