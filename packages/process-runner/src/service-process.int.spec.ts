import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { freePort, startServiceProcess, stopServiceProcesses } from './index.ts'

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function startReadyServer(name: string) {
  const port = await freePort()
  return startServiceProcess({
    name,
    entry: fixture('ready-server.ts'),
    env: { PORT: String(port) },
    readyUrl: `http://127.0.0.1:${port}/`,
  })
}

describe('service processes', () => {
  it('stops every service process still running, whoever started it', async () => {
    const first = await startReadyServer('first')
    const second = await startReadyServer('second')
    await first.stop()
    await stopServiceProcesses()
    expect(await second.exited).toBe(0)
    expect(isAlive(second.pid)).toBe(false)
  })

  it('takes its service processes with it when it dies of an uncaught error', async () => {
    const parent = spawn(process.execPath, ['--import', 'tsx', fixture('crashing-parent.ts')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    parent.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    parent.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const [code] = await once(parent, 'exit')
    expect(code).not.toBe(0)
    const pid = Number(/child (\d+)/.exec(output)?.[1])
    expect(pid, output).toBeGreaterThan(0)
    // SIGKILL is delivered asynchronously; the child is gone within moments, never left serving.
    for (let attempt = 0; attempt < 50 && isAlive(pid); attempt += 1) await sleep(100)
    expect(isAlive(pid)).toBe(false)
  })
})
