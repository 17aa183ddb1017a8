import { build, type Histogram } from 'hdr-histogram-js'
import { Client } from 'undici'
import { seededRandom } from '@seams/core'
import { exponential } from './random.ts'
import { defaultMix, pickEndpoint, planRequest, type Endpoint, type Mix, type VirtualUser } from './workload.ts'

export interface LoadOptions {
  target: string
  users: readonly VirtualUser[]
  productIds: readonly string[]
  /** Mean think time between two requests of one user; users × 1000 / this = offered rate. */
  meanIntervalMs: number
  durationMs: number
  mix?: Mix
  seed?: number
  /** Called once a second with the second's figures. */
  onSecond?: (second: SecondFigures) => void
  /** Sends `GET <path>` instead of the mix: the same load shape against a bare server, for the HTTP ceiling. */
  fixedPath?: string
  /** Called for each accepted order, with the time its 202 arrived. */
  onOrderAccepted?: (orderId: string, acceptedAt: number, user: VirtualUser) => void
}

export interface SecondFigures {
  second: number
  sent: number
  ok: number
  errors: number
  p50: number
  p99: number
}

export interface LoadResult {
  attempted: number
  succeeded: number
  errors: Record<string, number>
  seconds: number
  overall: Histogram
  byEndpoint: Record<Endpoint, Histogram>
  timeline: SecondFigures[]
}

const histogram = () => build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 })

/**
 * Open-loop load: every user has its own keep-alive connection and sends on its own Poisson schedule,
 * whether or not earlier answers arrived. Latency is measured from when a request was due, not from when
 * it left, so a stall in the server (or here) shows up instead of being hidden (no coordinated omission).
 */
export async function runOpenLoop(options: LoadOptions): Promise<LoadResult> {
  const random = seededRandom(options.seed ?? 1)
  const mix = options.mix ?? defaultMix
  const clients = options.users.map(() => new Client(options.target, { pipelining: 1, keepAliveTimeout: 120_000, headersTimeout: 60_000, bodyTimeout: 60_000 }))
  const overall = histogram()
  const byEndpoint = Object.fromEntries(Object.keys(mix).map((endpoint) => [endpoint, histogram()])) as Record<Endpoint, Histogram>
  const errors: Record<string, number> = {}
  const timeline: SecondFigures[] = []
  let window = histogram()
  let windowFigures = { sent: 0, ok: 0, errors: 0 }
  let attempted = 0
  let succeeded = 0
  const started = performance.now()
  const end = started + options.durationMs
  const inFlight = new Set<Promise<void>>()

  async function send(user: VirtualUser, due: number): Promise<void> {
    const request =
      options.fixedPath === undefined
        ? planRequest(pickEndpoint(mix, random()), user, options.productIds, random)
        : { endpoint: 'browse' as const, method: 'GET' as const, path: options.fixedPath, headers: {}, body: undefined }
    attempted += 1
    windowFigures.sent += 1
    let outcome: string
    try {
      const response = await clients[user.index]!.request({ method: request.method, path: request.path, headers: request.headers, body: request.body })
      const body = await response.body.text()
      outcome = response.statusCode < 400 ? 'ok' : String(response.statusCode)
      if (request.endpoint === 'placeOrder' && response.statusCode === 202) {
        const orderId = (JSON.parse(body) as { orderId: string }).orderId
        user.orders.push(orderId)
        if (user.orders.length > 20) user.orders.shift()
        options.onOrderAccepted?.(orderId, Date.now(), user)
      }
    } catch (error) {
      outcome = (error as { code?: string }).code ?? 'network'
    }
    const micros = Math.max(1, Math.round((performance.now() - due) * 1000))
    overall.recordValue(micros)
    byEndpoint[request.endpoint].recordValue(micros)
    window.recordValue(micros)
    if (outcome === 'ok') {
      succeeded += 1
      windowFigures.ok += 1
    } else {
      errors[`${request.endpoint} ${outcome}`] = (errors[`${request.endpoint} ${outcome}`] ?? 0) + 1
      windowFigures.errors += 1
    }
  }

  // One timer per user; each fires at its due time and schedules the user's next request.
  const schedule = (user: VirtualUser, due: number) => {
    if (due >= end) return
    setTimeout(() => {
      const task = send(user, due).finally(() => inFlight.delete(task))
      inFlight.add(task)
      schedule(user, due + exponential(random, options.meanIntervalMs))
    }, Math.max(0, due - performance.now()))
  }
  for (const user of options.users) schedule(user, started + exponential(random, options.meanIntervalMs))

  const ticker = setInterval(() => {
    const figures = { second: Math.round((performance.now() - started) / 1000), ...windowFigures, p50: window.getValueAtPercentile(50) / 1000, p99: window.getValueAtPercentile(99) / 1000 }
    timeline.push(figures)
    options.onSecond?.(figures)
    window = histogram()
    windowFigures = { sent: 0, ok: 0, errors: 0 }
  }, 1000)
  await new Promise((resolve) => setTimeout(resolve, options.durationMs))
  clearInterval(ticker)
  await Promise.allSettled([...inFlight])
  await Promise.all(clients.map((client) => client.close()))
  return { attempted, succeeded, errors, seconds: (performance.now() - started) / 1000, overall, byEndpoint, timeline }
}
