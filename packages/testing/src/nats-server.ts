import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { reachable } from './infrastructure.ts'

export interface PrivateNatsServer {
  url: string
  /** Stops the server and starts it again on the same port and store: a transport restart. */
  restart(): Promise<void>
  stop(): Promise<void>
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
 * and restart the server without disturbing the machine's shared one.
 */
export async function startPrivateNatsServer(port: number): Promise<PrivateNatsServer> {
  const storeDir = await mkdtemp(join(tmpdir(), 'seams-nats-'))
  let child: ChildProcess | undefined
  const start = async () => {
    child = spawn(binary(), ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], { stdio: 'ignore' })
    const deadline = Date.now() + 10_000
    while (!(await reachable('127.0.0.1', port))) {
      if (Date.now() > deadline) throw new Error(`nats-server did not start on port ${port}`)
      await sleep(50)
    }
  }
  const halt = async () => {
    const running = child
    if (running === undefined || running.exitCode !== null) return
    const exited = new Promise((resolve) => running.once('exit', resolve))
    running.kill('SIGTERM')
    await exited
  }
  await start()
  return {
    url: `nats://127.0.0.1:${port}`,
    async restart() {
      await halt()
      await start()
    },
    async stop() {
      await halt()
      await rm(storeDir, { recursive: true, force: true })
    },
  }
}
