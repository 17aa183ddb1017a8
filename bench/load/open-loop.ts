import { randomUUID } from 'node:crypto'
import { seededRandom } from '@seams/core'
import type { ConnectionPool } from './connections.ts'
import type { LoginRequest, LoginRotation } from './logins.ts'
import { exponential } from './random.ts'
import { createRecorder, type LoadResult, type SecondFigures } from './recorder.ts'
import { defaultMix, pickEndpoint, planRequest, type Mix, type PlannedRequest, type VirtualUser } from './workload.ts'

export type { LoadResult, SecondFigures } from './recorder.ts'

export interface LoadOptions {
  /** One connection per user, connected before the run and kept after it. */
  connections: ConnectionPool
  users: readonly VirtualUser[]
  productIds: readonly string[]
  /** Mean think time between two requests of one user; users × 1000 / this = offered rate. */
  meanIntervalMs: number
  durationMs: number
  mix?: Mix
  seed?: number
  /** Called once a second with what completed in that second (progress; the report uses due seconds). */
  onSecond?: (second: SecondFigures) => void
  /** Sends `GET <path>` instead of the mix: the same load shape against a bare server, for the HTTP ceiling. */
  fixedPath?: string
  /** Called for each accepted order, with the time its 202 arrived. */
  onOrderAccepted?: (orderId: string, acceptedAt: number, user: VirtualUser) => void
  /** This share of requests are logins of accounts taken in turn, measured apart from the steady mix. */
  newSessions?: { share: number; logins: LoginRotation }
}

type Sent = PlannedRequest | LoginRequest
type SendOptions = Pick<
  LoadOptions,
  'connections' | 'productIds' | 'mix' | 'fixedPath' | 'newSessions' | 'onOrderAccepted'
>

function planned(options: SendOptions, user: VirtualUser, random: () => number, withLogins: boolean): Sent {
  if (options.fixedPath !== undefined)
    return { endpoint: 'browse', method: 'GET', path: options.fixedPath, headers: {} }
  if (withLogins && options.newSessions !== undefined && random() < options.newSessions.share)
    return options.newSessions.logins.next(Date.now())
  return planRequest(pickEndpoint(options.mix ?? defaultMix, random()), user, options.productIds, random)
}

/** Sends one request on the user's connection; the outcome (`ok`, a status or an error code) and µs since `due`. */
async function send(
  options: SendOptions,
  user: VirtualUser,
  request: Sent,
  due: number,
): Promise<{ outcome: string; micros: number }> {
  let outcome: string
  try {
    const response = await options.connections.request(user.index, {
      method: request.method,
      path: request.path,
      headers: request.headers,
      body: request.body,
    })
    const body = await response.body.text()
    outcome = response.statusCode < 400 ? 'ok' : String(response.statusCode)
    // The gateway's load shedding, told apart from a service being unavailable.
    if (response.statusCode === 503 && body.includes('GATEWAY_OVERLOADED')) outcome = 'shed'
    if (request.endpoint === 'placeOrder' && response.statusCode === 202) {
      const orderId = (JSON.parse(body) as { orderId: string }).orderId
      user.orders.push(orderId)
      if (user.orders.length > 20) user.orders.shift()
      options.onOrderAccepted?.(orderId, Date.now(), user)
    }
  } catch (error) {
    outcome = (error as { code?: string }).code ?? 'network'
  }
  return { outcome, micros: Math.max(1, Math.round((performance.now() - due) * 1000)) }
}

/**
 * Open-loop load: every user sends on its own Poisson schedule over its own kept connection, whether or not
 * earlier answers arrived. Latency is measured from when a request was due, not from when it left, so a
 * stall in the server (or here) shows up instead of being hidden (no coordinated omission).
 */
export async function runOpenLoop(options: LoadOptions): Promise<LoadResult> {
  const random = seededRandom(options.seed ?? 1)
  const recorder = createRecorder(
    options.fixedPath === undefined
      ? [
          ...Object.entries(options.mix ?? defaultMix)
            .filter(([, share]) => share > 0)
            .map(([endpoint]) => endpoint),
          ...(options.newSessions === undefined ? [] : ['login']),
        ]
      : ['browse'],
  )
  const started = performance.now()
  const end = started + options.durationMs
  const inFlight = new Set<Promise<void>>()

  // One timer per user; each fires at its due time and schedules the user's next request.
  const schedule = (user: VirtualUser, due: number) => {
    if (due >= end) return
    setTimeout(
      () => {
        const request = planned(options, user, random, true)
        recorder.sent(request.endpoint)
        const task = send(options, user, request, due)
          .then(({ outcome, micros }) => recorder.answered(request.endpoint, outcome, due - started, micros))
          .finally(() => inFlight.delete(task))
        inFlight.add(task)
        schedule(user, due + exponential(random, options.meanIntervalMs))
      },
      Math.max(0, due - performance.now()),
    )
  }
  for (const user of options.users) schedule(user, started + exponential(random, options.meanIntervalMs))

  const ticker = setInterval(
    () => options.onSecond?.(recorder.tick(Math.round((performance.now() - started) / 1000))),
    1000,
  )
  await new Promise((resolve) => setTimeout(resolve, options.durationMs))
  clearInterval(ticker)
  await Promise.allSettled([...inFlight])
  return recorder.finish((performance.now() - started) / 1000, Math.ceil(options.durationMs / 1000))
}

export interface WarmUp {
  ms: number
  requests: number
  errors: number
  /** The errors by outcome: a status or an error code. */
  errorsByOutcome: Record<string, number>
  /** Users whose first request had not been answered when the warm-up ended. */
  usersLeft: number
  /** The warm-up stopped at its bound, not because every user had been answered. */
  boundHit: boolean
}

/**
 * What warms one user up at every service that verifies and remembers the user's token: users, orders,
 * order-history and payments (whose answer for an order nobody placed is 404: expected); and a page of products
 * and a product, which the gateway caches for everyone.
 */
function warmingRequests(
  user: VirtualUser,
  productIds: readonly string[],
  random: () => number,
): (PlannedRequest & { expected: number })[] {
  const headers = { authorization: `Bearer ${user.token}` }
  const get = (path: string, expected = 200) =>
    ({ endpoint: 'browse', method: 'GET', path, headers, expected }) as const
  return [
    get(`/api/users/${user.id}`),
    get('/api/orders?limit=1'),
    get('/api/order-history?limit=1'),
    get(`/api/payments?orderId=${randomUUID()}`, 404),
    // And what every user shares: the gateway's cached product pages and products, as the mix asks for them.
    { ...planRequest('browse', user, productIds, random), expected: 200 },
    { ...planRequest('productDetail', user, productIds, random), expected: 200 },
  ]
}

/**
 * Warms every user up: arrivals at the offered rate of requests (Poisson, as in a run), each taken by the
 * next user in a shuffled order, who then asks each service that remembers it once (`warmingRequests`), until
 * every user has been answered by all of them or `maxMs` is over. A run's own schedules would leave a user
 * without a request for ln(users) intervals (17 s at 5,000 users every 2 s), and that user's first requests
 * in the measured run would pay cold caches, one service at a time. Logins are not part of it.
 */
export async function warmUp(
  options: Omit<LoadOptions, 'durationMs' | 'onSecond'> & { maxMs: number },
): Promise<WarmUp> {
  const random = seededRandom((options.seed ?? 1) + 1)
  const order = [...options.users]
  for (let index = order.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1))
    ;[order[index], order[other]] = [order[other]!, order[index]!]
  }
  // Against a bare server (the HTTP ceiling) a user is warm once its path has answered.
  const warming = (user: VirtualUser) =>
    options.fixedPath === undefined
      ? warmingRequests(user, options.productIds, random)
      : [{ ...planned(options, user, random, false), expected: 200 } as PlannedRequest & { expected: number }]
  const started = performance.now()
  const perUser = order[0] === undefined ? 1 : warming(order[0]).length
  const gapMs = (options.meanIntervalMs * perUser) / Math.max(1, order.length)
  let left = order.length
  let sent = 0
  let errors = 0
  const errorsByOutcome: Record<string, number> = {}
  let finished!: () => void
  const done = new Promise<void>((resolve) => (finished = resolve))
  if (left === 0) finished()
  const bound = setTimeout(() => finished(), options.maxMs)
  let due = started
  for (const user of order) {
    due += exponential(random, gapMs)
    const wait = due - performance.now()
    if (wait > 1) await Promise.race([new Promise((resolve) => setTimeout(resolve, wait)), done])
    if (performance.now() - started >= options.maxMs) break
    void (async () => {
      for (const request of warming(user)) {
        sent += 1
        const { outcome } = await send(options, user, request, performance.now())
        if (outcome !== 'ok' && outcome !== String(request.expected)) {
          errors += 1
          errorsByOutcome[outcome] = (errorsByOutcome[outcome] ?? 0) + 1
        }
      }
      if (--left === 0) finished()
    })()
  }
  await done
  clearTimeout(bound)
  // At the bound, requests still in flight are not waited for: the next run's first seconds show them.
  return {
    ms: performance.now() - started,
    requests: sent,
    errors,
    errorsByOutcome,
    usersLeft: left,
    boundHit: left > 0,
  }
}
