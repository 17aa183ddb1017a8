import { connect } from 'node:net'

/** Whether a TCP service answers on host:port within a second. */
export function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    const done = (result: boolean) => {
      socket.destroy()
      resolve(result)
    }
    socket.setTimeout(1000, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

/**
 * Decides what a test does when a piece of infrastructure is missing: in CI (CI=true) the test must
 * fail, so this throws; on a laptop it returns false and prints a loud line so the skip is seen.
 */
export async function requireInfrastructure(name: string, url: string): Promise<boolean> {
  const parsed = new URL(url)
  const port = Number(parsed.port || defaultPorts[parsed.protocol] || 0)
  if (await reachable(parsed.hostname, port)) return true
  const message = `${name} is unreachable at ${parsed.host}`
  if (process.env['CI'] === 'true') throw new Error(`${message}; CI requires it`)
  console.warn(`\n*** SKIPPING: ${message}. Start it to run these tests (CI fails instead of skipping). ***\n`)
  return false
}

const defaultPorts: Record<string, string> = {
  'nats:': '4222',
  'redis:': '6379',
  'postgres:': '5432',
  'postgresql:': '5432',
}

export const natsUrl = (): string => process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222'
export const redisUrl = (): string => process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379'
