import { newId, systemClock, type Clock, type IdGenerator } from '@seams/core'
import type { LevelWithSilent } from 'pino'
import type { Registry } from 'prom-client'
import type { Static, TObject } from 'typebox'
import { loadConfig, type Environment } from './config.ts'
import { createDatabase, type Sql } from './database.ts'
import { createLogger, type Logger } from './logger.ts'
import { createMetricsRegistry } from './metrics.ts'
import { runMigrations, type MigrationSource } from './migrations.ts'
import { runService } from './run-service.ts'
import type { ServiceAuth } from './service-auth.ts'
import { serviceAuthFromConfig, type ServiceIdentityConfig } from './service-config.ts'

/** The variables every service's configuration has (`serviceConfigFields` and its own PORT). */
export interface ServiceBaseConfig extends ServiceIdentityConfig {
  HOST: string
  PORT: number
  LOG_LEVEL?: LevelWithSilent
}

/** The variables of a service that owns a database. */
export interface ServiceDatabaseConfig {
  DATABASE_URL: string
  DATABASE_POOL_SIZE?: number
}

/** What every service gets from its bootstrap, made the same way for all of them. */
export interface ServiceContext<C> {
  readonly service: string
  readonly config: C
  readonly logger: Logger
  readonly metrics: Registry
  /** This service's identity: the tokens of its calls, and who may call it. */
  readonly auth: ServiceAuth
  /** Ids of new records and events (UUIDv7). */
  readonly newId: IdGenerator
  /** The wall clock. */
  readonly now: Clock
  /**
   * Runs `stop` when the service stops, after the app stopped accepting: what was registered last stops
   * first, so something stops before whatever it was built on.
   */
  onStop(stop: () => unknown): void
}

/** What a service's own start gives back to its bootstrap. */
export interface StartedService {
  /** The service's app (e.g. `createServiceApp`'s), which the bootstrap listens with and closes first. */
  app: {
    listen(options: { port: number; host: string }): Promise<unknown>
    close(): Promise<unknown>
  }
  /** Starts background work (consumers, sagas) once the app listens. */
  start?(): void
}

export interface BootstrapOptions<S extends TObject> {
  /** The service's name: its logs, metrics, pool and token identity. */
  service: string
  /** Its configuration schema, spreading `serviceConfigFields` (or those it takes of them) and adding its own. */
  config: S
  /**
   * Where the configuration is read from.
   * @default process.env
   */
  env?: Environment
  /** See `RunServiceOptions`. */
  shutdownTimeoutMs?: number
  /** What is the service's own: its clients, consumers and routes; the bootstrap listens with its app. */
  start(context: ServiceContext<Static<S>>): Promise<StartedService>
}

/**
 * One place for what every service does the same way (after eShop's ServiceDefaults): its configuration read
 * and checked, its logger, its metrics registry, its identity, listening on HOST and PORT, and a graceful
 * stop in order (the app first, then what `onStop` registered, last first). Runs through `runService`.
 */
export async function bootstrapService<S extends TObject>(
  options: BootstrapOptions<S> & {
    config: Static<S> extends ServiceBaseConfig ? S : 'the configuration lacks the service fields'
  },
): Promise<void> {
  const { service } = options
  const config = loadConfig(options.config, options.env ?? process.env) as Static<S> & ServiceBaseConfig
  const logger = createLogger({ service, level: config.LOG_LEVEL })
  await runService({
    service,
    logger,
    shutdownTimeoutMs: options.shutdownTimeoutMs,
    async start() {
      const stops: (() => unknown)[] = []
      const context: ServiceContext<Static<S>> = {
        service,
        config,
        logger,
        metrics: createMetricsRegistry(service),
        auth: serviceAuthFromConfig(service, config),
        newId,
        now: systemClock,
        onStop: (stop) => void stops.push(stop),
      }
      const started = await options.start(context)
      await started.app.listen({ port: config.PORT, host: config.HOST })
      started.start?.()
      return {
        stop: () => stopAll(service, [() => started.app.close(), ...[...stops].reverse()]),
      }
    },
  })
}

/**
 * The service's own database pool (DATABASE_URL, DATABASE_POOL_SIZE) with `migrations` applied in the order
 * given, toolkit tables first and the service's own folder last. It closes after everything registered later.
 */
export async function openServiceDatabase(
  context: ServiceContext<ServiceDatabaseConfig>,
  migrations: readonly MigrationSource[],
): Promise<Sql> {
  const { config, service, metrics, logger } = context
  const sql = createDatabase(config.DATABASE_URL, { applicationName: service, max: config.DATABASE_POOL_SIZE, metrics })
  context.onStop(() => sql.end({ timeout: 5 }))
  await runMigrations(sql, { sources: migrations, log: (message) => logger.info(message) })
  return sql
}

/**
 * Runs `stops` one after the other, each even when one before it failed: a consumer that cannot stop must not
 * keep the pool open. The failures are reported together, once all had their turn.
 */
export async function stopAll(service: string, stops: readonly (() => unknown)[]): Promise<void> {
  const failures: unknown[] = []
  for (const stop of stops) {
    try {
      await stop()
    } catch (error) {
      failures.push(error)
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, `${service} did not stop cleanly`)
}
