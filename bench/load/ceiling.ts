import { fileURLToPath } from 'node:url'
import { freePort, startServiceProcess } from '@seams/process-runner'
import { Client } from 'undici'
import { createConnectionPool, type ConnectionStats } from './connections.ts'
import { runOpenLoop, warmUp, type WarmUp } from './open-loop.ts'
import type { FirstSeconds, Spread } from './steadiness.ts'
import type { VirtualUser } from './workload.ts'

export interface HttpCeiling {
  p50: number
  p99: number
  rate: number
  perSecondP99: Spread | undefined
  firstSeconds: FirstSeconds | undefined
  connect: { ms: number; failed: number }
  warmUp: WarmUp
  /** The generator's count, and the server's: connections it accepted from the pool (its own two reads left out). */
  connections: ConnectionStats & { acceptedByServer: number }
}

/** What the bare server accepted so far; each read opens (and counts) exactly one connection of its own. */
async function acceptedConnections(url: string): Promise<number> {
  const client = new Client(url)
  try {
    const response = await client.request({ method: 'GET', path: '/connections' })
    return ((await response.body.json()) as { accepted: number }).accepted
  } finally {
    await client.close()
  }
}

/**
 * The HTTP ceiling under exactly the shop's conditions: a bare Fastify route, the same users each on one
 * kept connection connected before the clock, the same warm-up, rate and seed.
 */
export async function measureHttpCeiling(input: {
  users: readonly VirtualUser[]
  intervalMs: number
  durationMs: number
  warmupMaxMs: number
  seed: number
}): Promise<HttpCeiling> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const bare = await startServiceProcess({
    name: 'bare-fastify',
    entry: fileURLToPath(new URL('./bare-fastify.ts', import.meta.url)),
    env: { PORT: String(port) },
    readyUrl: `${url}/health/ready`,
  })
  try {
    const before = await acceptedConnections(url)
    const connections = createConnectionPool(url, input.users.length, { pingPath: '/health/ready' })
    const connect = await connections.connect()
    const shape = {
      connections,
      users: input.users,
      productIds: [],
      meanIntervalMs: input.intervalMs,
      fixedPath: '/ceiling',
      seed: input.seed,
    }
    const warm = await warmUp({ ...shape, maxMs: input.warmupMaxMs })
    const run = await runOpenLoop({ ...shape, durationMs: input.durationMs })
    const stats = await connections.close()
    const acceptedByServer = (await acceptedConnections(url)) - before - 1
    return {
      p50: run.overall.getValueAtPercentile(50) / 1000,
      p99: run.overall.getValueAtPercentile(99) / 1000,
      rate: run.attempted / run.seconds,
      perSecondP99: run.perSecondP99,
      firstSeconds: run.firstSeconds,
      connect,
      warmUp: warm,
      connections: { ...stats, acceptedByServer },
    }
  } finally {
    await bare.stop()
  }
}
