import { spawn, type ChildProcess } from 'node:child_process'
import { chmod, mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'

export interface NatsServerUser {
  user: string
  password: string
  /** Subjects the user may publish and subscribe to; everything when absent. */
  permissions?: { publish: { allow: readonly string[] }; subscribe: { allow: readonly string[] } }
}

export interface NatsServerOptions {
  /** Holds the configuration (mode 600: it carries the passwords) and the JetStream store, kept between runs. */
  dataDir: string
  port: number
  /**
   * Who may connect. Without users the server accepts anyone who reaches its port (loopback only).
   * @default []
   */
  users?: readonly NatsServerUser[]
  /**
   * The nats-server executable.
   * @default 'nats-server'
   */
  binary?: string
  /** Receives each line the server logs. */
  log?: (line: string) => void
}

export interface RunningNatsServer {
  url: string
  /** Stops the server and starts it again on the same port and store: a transport restart. */
  restart(): Promise<void>
  /** SIGKILL, as a crash would end it; {@link restart} starts it again on the same store. */
  kill(): Promise<void>
  stop(): Promise<void>
}

// Servers this process started: they run in a process group of their own (so that the terminal's Ctrl-C
// reaches only the launcher, which stops them after the services), so nothing else would stop them.
const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

/** nats-server reads JSON as its configuration format; strings are taken literally (no `$variables`). */
export function natsServerConfig(options: Pick<NatsServerOptions, 'dataDir' | 'port' | 'users'>): string {
  const users = options.users ?? []
  const config = {
    listen: `127.0.0.1:${options.port}`,
    jetstream: { store_dir: join(options.dataDir, 'store') },
    ...(users.length === 0
      ? {}
      : {
          authorization: {
            users: users.map(({ user, password, permissions }) => ({
              user,
              password,
              ...(permissions === undefined ? {} : { permissions }),
            })),
          },
        }),
  }
  return `${JSON.stringify(config, null, 2)}\n`
}

/**
 * A nats-server with JetStream on 127.0.0.1. The passwords go into its configuration file, never onto
 * its command line, where any local user could read them.
 */
export async function startNatsServer(options: NatsServerOptions): Promise<RunningNatsServer> {
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 })
  const configFile = join(options.dataDir, 'nats-server.json')
  await writeFile(configFile, natsServerConfig(options), { mode: 0o600 })
  // An existing file keeps its mode through writeFile.
  await chmod(configFile, 0o600)
  let child: ChildProcess | undefined

  const start = async () => {
    const server = spawn(options.binary ?? 'nats-server', ['-c', configFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    child = server
    running.add(server)
    const lines: string[] = []
    // Its own word, not an open port: another process may hold the port this one failed to bind.
    let ready = false
    const keep = (line: string) => {
      if (lines.push(line) > 50) lines.shift()
      if (line.includes('Server is ready')) ready = true
      options.log?.(line)
    }
    createInterface({ input: server.stdout! }).on('line', keep)
    createInterface({ input: server.stderr! }).on('line', keep)
    let failure: string | undefined
    server.once('error', (error) => (failure = error.message))
    server.once('exit', (code, signal) => {
      running.delete(server)
      failure ??= `exited with ${code ?? signal}`
    })
    const deadline = Date.now() + 10_000
    while (!ready) {
      if (failure !== undefined || Date.now() > deadline) {
        server.kill('SIGKILL')
        throw new Error(
          `nats-server did not start on 127.0.0.1:${options.port} (${failure ?? 'no answer'}):\n${lines.join('\n')}`,
        )
      }
      await sleep(50)
    }
  }

  const halt = async () => {
    const server = child
    if (server === undefined || server.exitCode !== null || server.signalCode !== null) return
    const exited = new Promise((resolve) => server.once('exit', resolve))
    server.kill('SIGTERM')
    const timer = setTimeout(() => server.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
  }

  await start()
  return {
    url: `nats://127.0.0.1:${options.port}`,
    async restart() {
      await halt()
      await start()
    },
    async kill() {
      const server = child
      if (server === undefined || server.exitCode !== null || server.signalCode !== null) return
      const exited = new Promise((resolve) => server.once('exit', resolve))
      server.kill('SIGKILL')
      await exited
    },
    stop: halt,
  }
}
