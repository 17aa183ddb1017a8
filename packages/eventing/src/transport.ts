import type { Logger, Transport } from '@seams/core'
import type { TokenSource } from '@seams/http-client'
import { createHttpFeedTransport } from '@seams/transport-http-feed'
import { createNatsTransport, type NatsCredentials } from '@seams/transport-nats'
import type { Registry } from 'prom-client'

export type TransportKind = 'http-feed' | 'jetstream'

export interface EventTransportOptions {
  kind: TransportKind
  /** This process's service name: it names its NATS connection. */
  service: string
  /** Base URLs of the producers whose HTTP feeds this process reads, by service name. */
  feeds?: Readonly<Record<string, string>>
  /**
   * NATS servers for the JetStream transport.
   * @default 'nats://127.0.0.1:4222'
   */
  natsUrl?: string
  /**
   * Keeps this deployment's streams apart from others on the same NATS server.
   * @default ''
   */
  natsNamespace?: string
  /**
   * This service's NATS login, e.g. its own user, permitted its own subjects and the streams it consumes.
   * @default {} (anonymous)
   */
  natsCredentials?: NatsCredentials
  /** Signs the calls that read HTTP feeds. */
  tokens?: TokenSource
  logger?: Logger
  metrics?: Registry
}

/**
 * The transport a process moves events with, chosen by `kind`: JetStream, or the producers' HTTP feeds.
 * `createEventing` uses it for a service's own events; a process with no outbox and no inbox (the gateway,
 * following events to drop its caches) uses it alone.
 */
export function createEventTransport(options: EventTransportOptions): Transport {
  if (options.kind === 'jetstream')
    return createNatsTransport({
      servers: options.natsUrl ?? 'nats://127.0.0.1:4222',
      namespace: options.natsNamespace,
      name: options.service,
      logger: options.logger,
      credentials: options.natsCredentials,
    })
  return createHttpFeedTransport({
    sources: options.feeds ?? {},
    tokens: options.tokens,
    logger: options.logger,
    metrics: options.metrics,
  })
}

/** The variables of a service's configuration (`serviceConfigFields`) that choose and reach its transport. */
export interface EventTransportConfig {
  EVENT_TRANSPORT: TransportKind
  NATS_URL?: string
  NATS_NAMESPACE?: string
  NATS_USER?: string
  NATS_PASSWORD?: string
  NATS_CREDS?: string
}

/** The transport settings a configuration gives; unset variables are left to the toolkit's defaults. */
export function transportSettingsOf(
  config: EventTransportConfig,
): Pick<EventTransportOptions, 'kind' | 'natsUrl' | 'natsNamespace' | 'natsCredentials'> {
  return {
    kind: config.EVENT_TRANSPORT,
    natsUrl: config.NATS_URL,
    natsNamespace: config.NATS_NAMESPACE,
    natsCredentials: { user: config.NATS_USER, password: config.NATS_PASSWORD, credsFile: config.NATS_CREDS },
  }
}
