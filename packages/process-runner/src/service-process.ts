import { spawn, type ChildProcess } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { createInterface } from 'node:readline'

export interface ServiceProcessSpec {
  /** Label used in logs and errors. */
  name: string
  /** TypeScript or JavaScript entry point, run with Node and the tsx loader. */
  entry: string
  env: Record<string, string>
  /** Polled until it answers 200. */
  readyUrl: string
  /**
   * Longest wait for readiness.
   * @default 30000
   */
  readyTimeoutMs?: number
  /** Extra Node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[]
  /**
   * Receives each line the process writes to stdout or stderr; lines are also kept for {@link ServiceProcess.output}.
   */
  onLine?: (line: string, name: string) => void
}

export interface ServiceProcess {
  readonly name: string
  readonly pid: number
  /** Resolves with the exit code (or signal name) once the process is gone. */
  readonly exited: Promise<number | string>
  /** The last lines the process printed, for error messages. */
  output(): string
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>
  /** SIGKILL: the crash a fault test wants. */
  kill(): Promise<void>
}

const keptLines = 400

// Every service process this process started and that has not exited yet. Children do not die with their
// parent: a parent that crashes or exits early would leave them serving, holding ports and databases.
const running = new Map<ChildProcess, ServiceProcess>()
process.once('exit', () => {
  for (const child of running.keys()) child.kill('SIGKILL')
})

/** Stops (SIGTERM, then SIGKILL after `graceMs`) every service process started here that is still running. */
export async function stopServiceProcesses(graceMs?: number): Promise<void> {
  await Promise.all([...running.values()].map((handle) => handle.stop(graceMs)))
}

/** Spawns one service and resolves once its readiness URL answers 200. */
export async function startServiceProcess(spec: ServiceProcessSpec): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [...(spec.nodeArgs ?? []), '--import', 'tsx', spec.entry], {
    env: { ...inheritedEnv(), ...spec.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: string[] = []
  const keep = (line: string) => {
    lines.push(line)
    if (lines.length > keptLines) lines.shift()
    spec.onLine?.(line, spec.name)
  }
  createInterface({ input: child.stdout! }).on('line', keep)
  createInterface({ input: child.stderr! }).on('line', keep)
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  )
  const handle = processHandle(spec.name, child, exited, () => lines.join('\n'))
  running.set(child, handle)
  void exited.then(() => running.delete(child))
  try {
    await waitUntilReady(spec, exited)
  } catch (error) {
    await handle.kill()
    throw new Error(
      `${spec.name} did not become ready: ${(error as Error).message}\n` +
        `--- last output of ${spec.name} ---\n${handle.output()}`,
    )
  }
  return handle
}

// Only what a Node process needs to run; each service gets its configuration explicitly.
function inheritedEnv(): Record<string, string> {
  const names = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'NODE_OPTIONS', 'TSX_TSCONFIG_PATH']
  return Object.fromEntries(
    names.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]!]])),
  )
}

async function waitUntilReady(spec: ServiceProcessSpec, exited: Promise<number | string>): Promise<void> {
  const deadline = Date.now() + (spec.readyTimeoutMs ?? 30_000)
  let gone: number | string | undefined
  void exited.then((code) => {
    gone = code
  })
  let lastProblem = 'no answer yet'
  while (Date.now() < deadline) {
    if (gone !== undefined) throw new Error(`exited with ${gone} before it was ready`)
    try {
      const response = await fetch(spec.readyUrl, { signal: AbortSignal.timeout(2000) })
      if (response.status === 200) return
      lastProblem = `readiness answered ${response.status}: ${await response.text()}`
    } catch (error) {
      lastProblem = (error as Error).message
    }
    await sleep(100)
  }
  throw new Error(`not ready after ${spec.readyTimeoutMs ?? 30_000} ms (${lastProblem})`)
}

function processHandle(
  name: string,
  child: ChildProcess,
  exited: Promise<number | string>,
  output: () => string,
): ServiceProcess {
  let done = false
  void exited.then(() => {
    done = true
  })
  return {
    name,
    pid: child.pid!,
    exited,
    output,
    async stop(graceMs = 10_000) {
      if (done) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
      await exited
      clearTimeout(timer)
    },
    async kill() {
      if (done) return
      child.kill('SIGKILL')
      await exited
    },
  }
}
