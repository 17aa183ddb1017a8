import {
  bootstrapService,
  createServiceApp,
  databaseCheck,
  openServiceDatabase,
  type ServiceApp,
  type ServiceContext,
  type ServiceDatabaseConfig,
  type Sql,
} from '@seams/service-kit'
import type { Static, TObject } from 'typebox'

/** The one migrations folder every process of this topology applies: whoever starts first creates the schema. */
export const sharedMigrations = [
  { component: 'shared', directory: new URL('../migrations', import.meta.url).pathname },
] as const

export interface SharedServiceContext<C> extends ServiceContext<C> {
  /** The shared database, with the one role every process of this topology logs in with. */
  sql: Sql
  app: ServiceApp
}

export interface SharedServiceOptions<S extends TObject> {
  service: string
  config: S
  openapi: { title: string; description: string; tags: Record<string, string> }
  /** Registers the service's routes (and anything else it runs) on the app. */
  routes(context: SharedServiceContext<Static<S>>): Promise<void> | void
}

/**
 * A process of the shared-database topology: the same bootstrap, identity, health, logs and metrics as a
 * service of the owned topology, but its DATABASE_URL is everyone's database, and there is no outbox, no
 * event feed, no consumer and no saga: what another service must know it reads from the tables.
 */
export async function startSharedService<S extends TObject>(options: SharedServiceOptions<S>): Promise<void> {
  await bootstrapService({
    service: options.service,
    // Each process passes its owned twin's configuration schema, which spreads serviceConfigFields.
    config: options.config as never,
    async start(context) {
      const sql = await openServiceDatabase(context as ServiceContext<ServiceDatabaseConfig>, sharedMigrations)
      const app = await createServiceApp({
        service: options.service,
        logger: context.logger,
        metrics: context.metrics,
        auth: context.auth,
        readiness: { database: databaseCheck(sql) },
        openapi: options.openapi,
      })
      await options.routes({ ...(context as ServiceContext<Static<S>>), sql, app })
      return { app }
    },
  })
}
