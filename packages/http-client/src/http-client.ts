import {
  bulkhead,
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  fullJitterGenerator,
  handleWhen,
  isBrokenCircuitError,
  isBulkheadRejectedError,
  isTaskCancelledError,
  retry,
  timeout,
  TimeoutStrategy,
  wrap,
  type IPolicy,
  type TimeoutPolicy,
} from 'cockatiel'
import { Agent, request as undiciRequest } from 'undici'
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'
import { USER_TOKEN_HEADER, type SeamsError, type TraceContext } from '@seams/core'
import { startAttemptSpan } from './client-tracing.ts'
import { UpstreamRejected, UpstreamUnavailable } from './errors.ts'

/** The token naming this service for a call; @seams/service-kit's ServiceAuth fits. */
export interface TokenSource {
  tokenFor(audience: string): Promise<string>
}

export interface HttpClientOptions {
  /** The dependency's service name: metrics label and token audience. */
  name: string
  baseUrl: string
  tokens?: TokenSource
  /**
   * Per-attempt timeout.
   * @default 2000
   */
  timeoutMs?: number
  /**
   * Attempts for idempotent calls (GET, PUT, DELETE, or any call with an idempotency key), first included.
   * @default 3
   */
  maxAttempts?: number
  /**
   * First retry delay; later ones double, each drawn with full jitter.
   * @default 50
   */
  retryInitialDelayMs?: number
  /**
   * Longest retry delay.
   * @default 1000
   */
  retryMaxDelayMs?: number
  /**
   * Consecutive failures that open the circuit.
   * @default 5
   */
  breakerThreshold?: number
  /**
   * How long the circuit stays open before one trial call.
   * @default 5000
   */
  breakerHalfOpenAfterMs?: number
  /**
   * Calls in flight at once.
   * @default 256
   */
  bulkheadSize?: number
  /**
   * Calls waiting for a bulkhead slot before further ones are refused.
   * @default 512
   */
  bulkheadQueue?: number
  /**
   * Whether a 429 counts as the dependency failing: retried when the call is safe to retry, and counted by
   * the circuit breaker. Turn it off for a dependency whose 429s are about one caller rather than its own
   * health (a login throttled per account), or one client's refusals open the circuit for every caller.
   * @default true
   */
  rateLimitedIsFailure?: boolean
  /**
   * Keep-alive connections to the dependency.
   * @default 32
   */
  connections?: number
  /**
   * The answer to give when `call` cannot reach the dependency (UpstreamUnavailable: unreachable, timed
   * out, 5xx, open circuit, full bulkhead), e.g. a cached or neutral value; `undefined` lets the error
   * through. Receives the error (its `details` say the outcome and whether the call was delivered) and
   * the call. Not consulted for UpstreamRejected (a 4xx is a contract problem, not an outage), nor by
   * `forward`, which passes the dependency's own answers on. Counted in `http_client_fallbacks_total`.
   * @default undefined (every failure is thrown)
   */
  fallback?: (error: SeamsError, call: CallOptions) => Promise<HttpResponse | undefined> | HttpResponse | undefined
  metrics?: Registry
}

export interface CallOptions {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  path: string
  query?: Record<string, string | number | boolean | undefined>
  body?: unknown
  /** Makes a POST/PATCH safe to retry; sent as the `Idempotency-Key` header. */
  idempotencyKey?: string
  /** The end user's access token, passed on by an edge calling on their behalf. */
  userToken?: string
  /** The caller's trace context; the call becomes a child span. */
  trace?: TraceContext
  /** Overrides the client's per-attempt timeout. */
  timeoutMs?: number
  /** Aborts the call and its retries, e.g. a composition deadline. */
  signal?: AbortSignal
  headers?: Record<string, string>
}

/** What a typed client method passes through to its call: who it acts for, the trace, the deadline. */
export type CallContext = Pick<CallOptions, 'userToken' | 'trace' | 'signal' | 'timeoutMs'>

export interface HttpResponse<T = unknown> {
  status: number
  body: T
  headers: Record<string, string | string[] | undefined>
}

/** A request passed on as it came, e.g. by the gateway; the body stays bytes. */
export interface ForwardRequest {
  method: string
  /** Path and query string on the dependency. */
  path: string
  headers: Record<string, string>
  body?: Buffer
  userToken?: string
  trace?: TraceContext
  timeoutMs?: number
  signal?: AbortSignal
}

export interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

export interface HttpClient {
  readonly name: string
  /**
   * Passes a request through the same timeout, retry (idempotent requests only), breaker and bulkhead
   * as `call`, and returns whatever the dependency answered, error statuses included. Throws
   * UpstreamUnavailable only when there is no answer: unreachable, timed out, open circuit, full bulkhead.
   */
  forward(request: ForwardRequest): Promise<RawResponse>
  /**
   * Performs a call through timeout, retry (idempotent calls only), circuit breaker and bulkhead.
   * Resolves for 2xx, for 4xx statuses listed in `accept`, and for 4xx problem documents whose `code` is
   * listed there (so a typed client can map the codes it lists, and no other); otherwise throws UpstreamRejected (4xx)
   * or UpstreamUnavailable (network, timeout, 5xx, open circuit, full bulkhead), whose `details.delivered`
   * is false when no attempt can have reached the dependency (refused connections, open circuit).
   * With a `fallback` option, an UpstreamUnavailable is first offered to it.
   */
  call<T>(options: CallOptions, accept?: readonly (number | string)[]): Promise<HttpResponse<T>>
  /** The breaker's state, for readiness detail. */
  circuitState(): 'closed' | 'open' | 'half_open' | 'isolated'
  close(): Promise<void>
}

// A listed status is accepted whatever the body says; a listed code only as a 4xx problem's `code`.
function accepts(accept: readonly (number | string)[], status: number, body: unknown): boolean {
  if (accept.includes(status)) return true
  const code = status < 500 && typeof body === 'object' && body !== null ? (body as { code?: unknown }).code : undefined
  return typeof code === 'string' && accept.includes(code)
}

class TransientFailure extends Error {
  readonly response: RawResponse | undefined
  /** False when the request certainly never reached the dependency (connection refused). */
  readonly delivered: boolean
  constructor(message: string, options: { cause?: unknown; response?: RawResponse; delivered?: boolean } = {}) {
    super(message, { cause: options.cause })
    this.response = options.response
    this.delivered = options.delivered ?? true
  }
}

const refused = (error: unknown) =>
  (error as { code?: string }).code === 'ECONNREFUSED' ||
  (error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED'

const idempotentMethods = new Set(['GET', 'HEAD', 'PUT', 'DELETE'])
const stateNames = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Isolated]: 'isolated',
} as const

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const baseUrl = options.baseUrl.replace(/\/$/, '')
  const agent = new Agent({ connections: options.connections ?? 32, keepAliveTimeout: 30_000, pipelining: 1 })
  const metrics = options.metrics === undefined ? undefined : clientMetrics(options.metrics)
  const labels = { dependency: options.name }
  const rateLimitedIsFailure = options.rateLimitedIsFailure ?? true
  const isTransient = (error: unknown): boolean => error instanceof TransientFailure || isTaskCancelledError(error)

  const breaker = circuitBreaker(handleWhen(isTransient), {
    halfOpenAfter: options.breakerHalfOpenAfterMs ?? 5000,
    breaker: new ConsecutiveBreaker(options.breakerThreshold ?? 5),
  })
  const limiter = bulkhead(options.bulkheadSize ?? 256, options.bulkheadQueue ?? 512)
  const retrying = retry(handleWhen(isTransient), {
    maxAttempts: (options.maxAttempts ?? 3) - 1,
    backoff: new ExponentialBackoff({
      generator: fullJitterGenerator,
      initialDelay: options.retryInitialDelayMs ?? 50,
      maxDelay: options.retryMaxDelayMs ?? 1000,
    }),
  })
  metrics?.circuit.set(labels, CircuitState.Closed)
  breaker.onStateChange((state) => metrics?.circuit.set(labels, state))
  retrying.onRetry(() => metrics?.retries.inc(labels))

  const timeouts = new Map<number, TimeoutPolicy>()
  const timeoutOf = (ms: number) => {
    let policy = timeouts.get(ms)
    // Not aborted after a call returns (cockatiel's default): the answer is read in full by then, and
    // each abort would raise a DOMException with a stack trace on the hot path.
    if (policy === undefined)
      timeouts.set(ms, (policy = timeout(ms, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false })))
    return policy
  }
  const policies = new Map<string, IPolicy>()
  const policyFor = (idempotent: boolean, ms: number): IPolicy => {
    const key = `${idempotent}:${ms}`
    let policy = policies.get(key)
    if (policy === undefined) {
      policy = idempotent ? wrap(limiter, retrying, breaker, timeoutOf(ms)) : wrap(limiter, breaker, timeoutOf(ms))
      policies.set(key, policy)
    }
    return policy
  }

  interface SendRequest {
    method: string
    /** Path and query string. */
    target: string
    headers: Record<string, string>
    body?: string | Buffer
    userToken?: string
    trace?: TraceContext
  }

  async function send(request: SendRequest, signal: AbortSignal): Promise<RawResponse> {
    const headers = { ...request.headers }
    if (options.tokens !== undefined) headers['authorization'] = `Bearer ${await options.tokens.tokenFor(options.name)}`
    if (request.userToken !== undefined) headers[USER_TOKEN_HEADER] = request.userToken
    const span = startAttemptSpan(options.name, request.method, baseUrl + request.target, request.trace, headers)
    let response
    let raw: RawResponse
    try {
      response = await undiciRequest(baseUrl + request.target, {
        dispatcher: agent,
        method: request.method as 'GET',
        headers,
        body: request.body,
        signal,
      })
      raw = {
        status: response.statusCode,
        headers: response.headers,
        body: Buffer.from(await response.body.arrayBuffer()),
      }
    } catch (error) {
      span.fail(error)
      if (signal.aborted || response !== undefined) throw error
      throw new TransientFailure(`${request.method} ${request.target}: ${(error as Error).message}`, {
        cause: error,
        delivered: !refused(error),
      })
    }
    span.end(raw.status)
    // 5xx is the dependency failing (retried when safe, counted by the breaker); 429 is it shedding load.
    if (raw.status >= 500 || (raw.status === 429 && rateLimitedIsFailure))
      throw new TransientFailure(
        `${request.method} ${request.target} answered ${raw.status}: ${raw.body.toString('utf8', 0, 300)}`,
        { response: raw },
      )
    return raw
  }

  async function attempt<T>(
    call: CallOptions,
    accept: readonly (number | string)[],
    signal: AbortSignal,
  ): Promise<HttpResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...call.headers }
    if (call.body !== undefined) headers['content-type'] = 'application/json'
    if (call.idempotencyKey !== undefined) headers['idempotency-key'] = call.idempotencyKey
    const body = call.body === undefined ? undefined : JSON.stringify(call.body)
    const raw = await send(
      {
        method: call.method,
        target: call.path + queryString(call.query),
        headers,
        body,
        userToken: call.userToken,
        trace: call.trace,
      },
      signal,
    )
    const text = raw.body.toString('utf8')
    const parsed = text === '' ? undefined : parseJson(text)
    if (raw.status >= 400 && !accepts(accept, raw.status, parsed)) {
      throw new UpstreamRejected(`${options.name} answered ${raw.status} to ${call.method} ${call.path}`, {
        details: { upstream: options.name, upstreamStatus: raw.status, upstreamProblem: parsed },
      })
    }
    return { status: raw.status, body: parsed as T, headers: raw.headers }
  }

  // Whether any attempt of a call may have reached the dependency: only then can it have had an effect.
  function deliveryTracked<T>(attemptOnce: (signal: AbortSignal) => Promise<T>): {
    attempt: (signal: AbortSignal) => Promise<T>
    delivered: () => boolean
  } {
    let delivered = false
    return {
      delivered: () => delivered,
      attempt: (signal) =>
        attemptOnce(signal).catch((error: unknown) => {
          if (!(error instanceof TransientFailure) || error.delivered) delivered = true
          throw error
        }),
    }
  }

  async function measured<T>(work: () => Promise<T>, onError: (error: unknown, outcome: string) => T): Promise<T> {
    const started = performance.now()
    let outcome = 'success'
    try {
      return await work()
    } catch (error) {
      outcome = outcomeOf(error)
      return onError(error, outcome)
    } finally {
      metrics?.calls.inc({ ...labels, outcome })
      metrics?.duration.observe({ ...labels, outcome }, (performance.now() - started) / 1000)
    }
  }

  const unavailable = (error: unknown, outcome: string, delivered: boolean) =>
    new UpstreamUnavailable(`${options.name} is unavailable (${outcome}): ${(error as Error).message}`, {
      cause: error,
      details: { upstream: options.name, outcome, delivered },
    })

  return {
    name: options.name,
    call<T>(call: CallOptions, accept: readonly (number | string)[] = []) {
      const idempotent = idempotentMethods.has(call.method) || call.idempotencyKey !== undefined
      const policy = policyFor(idempotent, call.timeoutMs ?? options.timeoutMs ?? 2000)
      const tracked = deliveryTracked((signal) => attempt<T>(call, accept, signal))
      const result = measured(
        () => policy.execute(({ signal }) => tracked.attempt(signal), call.signal) as Promise<HttpResponse<T>>,
        (error, outcome) => {
          throw error instanceof UpstreamRejected ? error : unavailable(error, outcome, tracked.delivered())
        },
      )
      const { fallback } = options
      if (fallback === undefined) return result
      // Outside the policies, rather than cockatiel's fallback(), whose factory sees neither the error nor
      // the call; the call is still measured by the outcome that made it fall back.
      return result.catch(async (error: unknown) => {
        if (!(error instanceof UpstreamUnavailable)) throw error
        const answer = await fallback(error, call)
        if (answer === undefined) throw error
        metrics?.fallbacks.inc(labels)
        return answer as HttpResponse<T>
      })
    },
    forward(request) {
      const idempotent = idempotentMethods.has(request.method) || request.headers['idempotency-key'] !== undefined
      const policy = policyFor(idempotent, request.timeoutMs ?? options.timeoutMs ?? 2000)
      const tracked = deliveryTracked((signal) => send({ ...request, target: request.path }, signal))
      return measured(
        () => policy.execute(({ signal }) => tracked.attempt(signal), request.signal) as Promise<RawResponse>,
        (error, outcome) => {
          // The dependency answered, with an error of its own: the caller sees that answer as it is.
          const answered = error instanceof TransientFailure ? error.response : undefined
          if (answered !== undefined) return answered
          throw unavailable(error, outcome, tracked.delivered())
        },
      )
    },
    circuitState: () => stateNames[breaker.state],
    close: () => agent.close(),
  }
}

function outcomeOf(error: unknown): string {
  if (error instanceof UpstreamRejected) return 'rejected'
  if (isBrokenCircuitError(error)) return 'circuit_open'
  if (isBulkheadRejectedError(error)) return 'bulkhead_full'
  if (isTaskCancelledError(error)) return 'timeout'
  return 'failed'
}

function queryString(query: CallOptions['query']): string {
  if (query === undefined) return ''
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value))
  const text = params.toString()
  return text === '' ? '' : `?${text}`
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

interface ClientMetrics {
  calls: Counter<'dependency' | 'outcome'>
  retries: Counter<'dependency'>
  fallbacks: Counter<'dependency'>
  circuit: Gauge<'dependency'>
  duration: Histogram<'dependency' | 'outcome'>
}

// One set of series per registry, shared by every client registered in it.
const metricsByRegistry = new WeakMap<Registry, ClientMetrics>()

function clientMetrics(registry: Registry): ClientMetrics {
  let metrics = metricsByRegistry.get(registry)
  if (metrics === undefined) {
    metrics = {
      calls: new Counter({
        name: 'http_client_calls_total',
        help: 'Calls to dependencies by outcome',
        labelNames: ['dependency', 'outcome'],
        registers: [registry],
      }),
      retries: new Counter({
        name: 'http_client_retries_total',
        help: 'Retried attempts per dependency',
        labelNames: ['dependency'],
        registers: [registry],
      }),
      fallbacks: new Counter({
        name: 'http_client_fallbacks_total',
        help: 'Failed calls answered by the fallback instead',
        labelNames: ['dependency'],
        registers: [registry],
      }),
      circuit: new Gauge({
        name: 'http_client_circuit_state',
        help: 'Circuit breaker state: 0 closed, 1 open, 2 half-open, 3 isolated',
        labelNames: ['dependency'],
        registers: [registry],
      }),
      duration: new Histogram({
        name: 'http_client_call_duration_seconds',
        help: 'Duration of calls to dependencies, retries included',
        labelNames: ['dependency', 'outcome'],
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
        registers: [registry],
      }),
    }
    metricsByRegistry.set(registry, metrics)
  }
  return metrics
}
