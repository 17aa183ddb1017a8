import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { EventContract } from '@seams/core'
import { createHttpClient, type HttpClient, type HttpClientOptions } from '@seams/http-client'
import {
  bootstrapService,
  namesOf,
  openServiceDatabase,
  type MigrationSource,
  type ServiceBaseConfig,
  type ServiceContext,
  type ServiceDatabaseConfig,
  type Sql,
  type StartedService,
} from '@seams/service-kit'
import type { Static, TObject } from 'typebox'
import { createEventing, eventingMigrations, type Eventing } from './eventing.ts'
import { transportSettingsOf, type EventTransportConfig } from './transport.ts'

/** The variables of a service that owns a database and shares its data by events (`serviceConfigFields`). */
export interface EventedServiceConfig extends ServiceBaseConfig, ServiceDatabaseConfig, EventTransportConfig {
  EVENT_READERS: string
}

export interface EventedServiceContext<C> extends ServiceContext<C> {
  /** The service's own database, migrated. */
  readonly sql: Sql
  /** Its outbox, feed and transport; consumers and read models added here start once the app listens. */
  readonly eventing: Eventing
  /**
   * A resilient client of another service, calling with this service's tokens and counted in its metrics;
   * closed after the consumers stopped.
   */
  client(name: string, baseUrl: string, options?: Omit<HttpClientOptions, 'name' | 'baseUrl'>): HttpClient
}

export interface EventedServiceOptions<S extends TObject> {
  service: string
  config: S
  /**
   * Event contracts the service publishes.
   * @default [] (a pure consumer)
   */
  publishes?: readonly EventContract[]
  /**
   * The service's package folder (`new URL('..', import.meta.url)` from `src/main.ts`): its package.json's
   * `seams.consumes` is what it declares it consumes, and its `migrations/` folder, when it has one, holds its
   * own migrations, applied after the toolkit's tables.
   */
  root: URL
  /** Base URLs of the producers whose HTTP feeds it reads, by service name, from its configuration. */
  feeds?: (config: Static<S>) => Readonly<Record<string, string>>
  /**
   * Further toolkit tables (e.g. `sagaMigrations`), after eventing's and before the service's own.
   * @default []
   */
  toolkitMigrations?: readonly MigrationSource[]
  /** What is the service's own: consumers, read models, sagas, clients and its app. */
  start(context: EventedServiceContext<Static<S>>): Promise<StartedService>
}

/**
 * `bootstrapService` for a service with a database and events: opens and migrates its database, wires its
 * eventing from its configuration (transport, NATS login, feeds, who may read its feed), creates missing read-model
 * tables once the service's own start added them, and starts the relay and consumers once the app listens.
 * It stops in the reverse order: the app, what the service registered, the consumers and relay, its clients,
 * the pool.
 */
export async function bootstrapEventedService<S extends TObject>(
  options: EventedServiceOptions<S> & {
    config: Static<S> extends EventedServiceConfig ? S : 'the configuration lacks the evented service fields'
  },
): Promise<void> {
  await bootstrapService({
    service: options.service,
    config: options.config,
    async start(base: ServiceContext<Static<S>>) {
      const context = base as ServiceContext<Static<S> & EventedServiceConfig>
      const { service, config, auth, logger, metrics } = context
      const publishes = options.publishes ?? []
      const sql = await openServiceDatabase(context, [
        ...eventingMigrations(publishes),
        ...(options.toolkitMigrations ?? []),
        ...ownMigrations(service, options.root),
      ])
      const clients: HttpClient[] = []
      context.onStop(() => Promise.all(clients.map((client) => client.close())))
      const eventing = createEventing({
        sql,
        databaseUrl: config.DATABASE_URL,
        service,
        publishes,
        consumes: declaredConsumption(options.root),
        feeds: options.feeds?.(config),
        ...eventingTransport(config),
        tokens: auth,
        feedReaders: namesOf(config.EVENT_READERS),
        logger,
        metrics,
      })
      context.onStop(() => eventing.stop())
      const started = await options.start({
        ...context,
        sql,
        eventing,
        client(name, baseUrl, clientOptions) {
          const client = createHttpClient({ ...clientOptions, name, baseUrl, tokens: auth, metrics })
          clients.push(client)
          return client
        },
      })
      await eventing.prepare()
      return {
        app: started.app,
        start() {
          eventing.start()
          started.start?.()
        },
      }
    },
    // S was checked against EventedServiceConfig, which has every field bootstrapService checks for.
  } as unknown as Parameters<typeof bootstrapService<S>>[0])
}

const declaredConsumption = (root: URL): string[] | undefined =>
  (JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { seams?: { consumes?: string[] } }).seams
    ?.consumes

function ownMigrations(service: string, root: URL): MigrationSource[] {
  const directory = fileURLToPath(new URL('migrations', root))
  return existsSync(directory) ? [{ component: service, directory }] : []
}

function eventingTransport(config: EventTransportConfig) {
  const { kind, ...nats } = transportSettingsOf(config)
  return { transport: kind, ...nats }
}
