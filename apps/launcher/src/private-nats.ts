import { startNatsServer, type RunningNatsServer } from '@seams/provisioning'
import { natsUsersOf } from './nats-users.ts'
import type { NatsLogin, ServiceName } from './topology.ts'

export interface PrivateNatsOptions {
  /** Its configuration (mode 600) and JetStream store, kept between runs like the embedded database. */
  dataDir: string
  port: number
  /** The installation's stream prefix, which the permissions name. */
  namespace: string
  /** Each service's NATS password (the installation's secrets). */
  passwords: Readonly<Record<string, string>>
  /** @default 'nats-server' */
  binary?: string
  log?: (line: string) => void
}

export interface PrivateNats {
  readonly server: RunningNatsServer
  /** The login each service process gets in its environment. */
  readonly logins: Record<ServiceName, NatsLogin>
}

/**
 * The shop's own nats-server, for JetStream without a NATS_URL: one user per service, allowed to publish
 * only its own events and to consume only the sources it declares.
 */
export async function startPrivateNats(options: PrivateNatsOptions): Promise<PrivateNats> {
  const users = natsUsersOf(options.namespace, options.passwords)
  const server = await startNatsServer({
    dataDir: options.dataDir,
    port: options.port,
    users,
    binary: options.binary,
    log: options.log,
  })
  const logins = Object.fromEntries(users.map(({ user, password }) => [user, { user, password }])) as Record<
    ServiceName,
    NatsLogin
  >
  return { server, logins }
}
