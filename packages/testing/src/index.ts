export { createTestDatabase, adminDatabaseUrl } from './test-database.ts'
export type { TestDatabase } from './test-database.ts'
export { reachable, requireInfrastructure, natsUrl, redisUrl } from './infrastructure.ts'
