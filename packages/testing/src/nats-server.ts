import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startNatsServer, type NatsServerUser, type RunningNatsServer } from '@seams/provisioning'

export interface PrivateNatsServer extends RunningNatsServer {
  /** Where its configuration and store are, removed by `stop()`. */
  readonly dataDir: string
}

const binary = () => process.env['NATS_SERVER_BIN'] ?? 'nats-server'

/** Whether the nats-server binary can be run here. */
export async function natsServerAvailable(): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = spawn(binary(), ['--version'], { stdio: 'ignore' })
    probe.once('error', () => resolve(false))
    probe.once('exit', (code) => resolve(code === 0))
  })
}

/**
 * A nats-server with JetStream of the test's own, on its own port and store, for tests that must stop
 * and restart the server without disturbing the machine's shared one, or that need its users' permissions.
 */
export async function startPrivateNatsServer(
  port: number,
  options: { users?: readonly NatsServerUser[] } = {},
): Promise<PrivateNatsServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'seams-nats-'))
  const server = await startNatsServer({ dataDir, port, users: options.users, binary: binary() }).catch(
    async (error: unknown) => {
      await rm(dataDir, { recursive: true, force: true })
      throw error
    },
  )
  return {
    url: server.url,
    dataDir,
    restart: () => server.restart(),
    kill: () => server.kill(),
    async stop() {
      await server.stop()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}
