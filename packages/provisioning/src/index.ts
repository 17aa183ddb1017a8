export { provisionServiceDatabase, dropServiceDatabase, serviceDatabaseUrl } from './database-per-service.ts'
export type { ServiceDatabaseSpec } from './database-per-service.ts'
export { startEmbeddedPostgres } from './embedded-postgres.ts'
export type { EmbeddedPostgresOptions, RunningPostgres } from './embedded-postgres.ts'
