import { setTimeout as sleep } from 'node:timers/promises'
import { newId, type SeamsError } from '@seams/core'
import { adminDatabaseUrl } from '@seams/testing'
import { startTestShop, type TestShop } from '@shop/launcher'
import {
  createPaymentsClient,
  type AuthorizePaymentRequest,
  type Payment,
  type SimulatorSettings,
} from '@shop/payments-contracts'
import { Registry } from 'prom-client'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { UpstreamRejected, UpstreamUnavailable } from './errors.ts'
import { createHttpClient, type HttpClient, type HttpClientOptions } from './http-client.ts'

// Short enough that a hung provider turns into a 503 quickly, long enough for the slow (not hung) calls.
const providerTimeoutMs = 1500
const calm: SimulatorSettings = { latencyMs: 0, jitterMs: 0, declineRate: 0, errorRate: 0, hangRate: 0 }

/** One sample of a metric whose labels include `labels`, from Prometheus text; 0 when absent. */
function sample(metrics: string, name: string, labels: string[] = []): number {
  const line = metrics
    .split('\n')
    .find((candidate) => candidate.startsWith(`${name}{`) && labels.every((label) => candidate.includes(label)))
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1))
}

async function failureOf(work: Promise<unknown>): Promise<SeamsError> {
  const outcome = await work.then(
    () => undefined,
    (error: unknown) => error as SeamsError,
  )
  if (outcome === undefined) throw new Error('expected the call to fail')
  return outcome
}

// @seams/http-client against real failures of a real payments process: its simulator's faults, and
// the process stopped, started and hung. The client calls as the orders service does.
describe('http client against a failing payments service', () => {
  let test: TestShop
  const clients: HttpClient[] = []
  let paymentsStopped = false

  beforeAll(async () => {
    test = await startTestShop(adminDatabaseUrl(), {
      services: ['users', 'catalog', 'payments'],
      overrides: { payments: { PROVIDER_TIMEOUT_MS: String(providerTimeoutMs) } },
    })
  })

  afterEach(async () => {
    if (paymentsStopped) await startPayments()
    await simulate({})
  })

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()))
    await test?.close()
  })

  async function stopPayments(): Promise<void> {
    await test.shop.stop('payments')
    paymentsStopped = true
  }

  async function startPayments(): Promise<void> {
    await test.shop.start('payments')
    paymentsStopped = false
  }

  async function simulate(settings: Partial<SimulatorSettings>): Promise<void> {
    const response = await test.call('payments', 'PUT', '/simulator', {
      as: 'operator',
      body: { ...calm, ...settings },
    })
    expect(response.status).toBe(200)
  }

  /**
   * A client of payments with metrics of its own. Its token source counts the attempts it sends (one
   * token per attempt) and may act just before one, e.g. to heal the simulator between two attempts.
   */
  function paymentsClient(
    options: Partial<HttpClientOptions> = {},
    beforeAttempt?: (attempt: number) => Promise<void>,
  ) {
    const metrics = new Registry()
    const orders = test.identity('orders')
    const attempts = { count: 0 }
    const http = createHttpClient({
      name: 'payments',
      baseUrl: test.shop.urls.payments,
      metrics,
      retryInitialDelayMs: 10,
      tokens: {
        async tokenFor(audience) {
          attempts.count += 1
          await beforeAttempt?.(attempts.count)
          return orders.tokenFor(audience)
        },
      },
      ...options,
    })
    clients.push(http)
    const metric = async (name: string, labels: string[] = []) => sample(await metrics.metrics(), name, labels)
    return { http, payments: createPaymentsClient(http), attempts, metric }
  }

  const authorization = (): AuthorizePaymentRequest => ({
    paymentId: newId(),
    orderId: newId(),
    customerId: newId(),
    amountCents: 1500,
    currency: 'EUR',
  })
  const paymentOf = async (orderId: string) =>
    (await test.call<Payment>('payments', 'GET', `/payments?orderId=${orderId}`, { as: 'orders' })).body
  /** Authorizations payments itself answered with `status`, from its own metrics. */
  const answered = async (status: number) =>
    sample(
      await (await fetch(`${test.shop.urls.payments}/metrics`)).text(),
      'http_server_request_duration_seconds_count',
      ['method="POST"', 'route="/payments"', `status_code="${status}"`],
    )

  it('retries transient 503s of an idempotent call, three attempts in all, and counts the retries', async () => {
    const { payments, attempts, metric } = paymentsClient()
    await simulate({ errorRate: 1 })
    const before = await answered(503)
    const request = authorization()
    const error = await failureOf(payments.authorize(request))
    expect(error).toBeInstanceOf(UpstreamUnavailable)
    expect(error.details).toMatchObject({ outcome: 'failed', delivered: true })
    expect(attempts.count).toBe(3)
    expect((await answered(503)) - before).toBe(3)
    expect(await metric('http_client_retries_total')).toBe(2)
    // Every attempt carried the same payment id, so the three made one (still pending) payment.
    expect(await paymentOf(request.orderId)).toMatchObject({ id: request.paymentId, status: 'pending' })
  })

  it('makes one payment of a call that succeeds on a later attempt', async () => {
    const { payments, attempts, metric } = paymentsClient({}, async (attempt) => {
      if (attempt === 2) await simulate({})
    })
    await simulate({ errorRate: 1 })
    const request = authorization()
    const result = await payments.authorize(request)
    expect(result).toMatchObject({ ok: true, payment: { id: request.paymentId, status: 'authorized' } })
    expect(attempts.count).toBe(2)
    expect(await metric('http_client_retries_total')).toBe(1)
    expect(await paymentOf(request.orderId)).toMatchObject({
      id: request.paymentId,
      status: 'authorized',
      version: result.payment.version,
    })
  })

  it('does not retry a POST without an idempotency key', async () => {
    const { http, attempts, metric } = paymentsClient()
    await simulate({ errorRate: 1 })
    const error = await failureOf(http.call({ method: 'POST', path: '/payments', body: authorization() }))
    expect(error.details).toMatchObject({ outcome: 'failed', delivered: true })
    expect(attempts.count).toBe(1)
    expect(await metric('http_client_retries_total')).toBe(0)
  })

  it('times out calls slower than its timeout, and knows they may have been delivered', async () => {
    const { http, payments, attempts, metric } = paymentsClient({ timeoutMs: 150 })
    const latencyMs = 1000
    await simulate({ latencyMs })
    // authorize sets a long timeout of its own; the context's is the caller's override.
    const retried = await failureOf(payments.authorize(authorization(), { timeoutMs: 150 }))
    expect(retried.details).toMatchObject({ outcome: 'timeout', delivered: true })
    expect(attempts.count).toBe(3)

    const started = performance.now()
    const once = await failureOf(http.call({ method: 'POST', path: '/payments', body: authorization() }))
    expect(performance.now() - started).toBeLessThan(latencyMs)
    expect(once.details).toMatchObject({ outcome: 'timeout', delivered: true })
    expect(await metric('http_client_calls_total', ['outcome="timeout"'])).toBe(2)
  })

  it('opens the circuit after consecutive failures, fails fast while open, and closes after a good trial', async () => {
    const halfOpenAfterMs = 1000
    const { payments, http, attempts, metric } = paymentsClient({
      maxAttempts: 1,
      breakerThreshold: 3,
      breakerHalfOpenAfterMs: halfOpenAfterMs,
    })
    await simulate({ errorRate: 1 })
    for (let call = 1; call <= 3; call += 1) {
      expect(http.circuitState()).toBe('closed')
      expect((await failureOf(payments.authorize(authorization()))).details).toMatchObject({ outcome: 'failed' })
    }
    expect(http.circuitState()).toBe('open')
    expect(await metric('http_client_circuit_state')).toBe(1)

    await simulate({})
    const sent = attempts.count
    const refused = await failureOf(payments.authorize(authorization()))
    expect(refused).toBeInstanceOf(UpstreamUnavailable)
    expect(refused.details).toMatchObject({ outcome: 'circuit_open', delivered: false })
    expect(attempts.count).toBe(sent)
    expect(await metric('http_client_calls_total', ['outcome="circuit_open"'])).toBe(1)

    await sleep(halfOpenAfterMs + 100)
    expect((await payments.authorize(authorization())).ok).toBe(true)
    expect(http.circuitState()).toBe('closed')
    expect(await metric('http_client_circuit_state')).toBe(0)
  })

  it('tells a call to a stopped process (never delivered) from one to a hung provider (delivered)', async () => {
    const { payments } = paymentsClient({ maxAttempts: 1 })
    await stopPayments()
    const stopped = await failureOf(payments.authorize(authorization()))
    expect(stopped).toBeInstanceOf(UpstreamUnavailable)
    expect(stopped.details).toMatchObject({ outcome: 'failed', delivered: false })
    await startPayments()

    await simulate({ hangRate: 1 })
    const hung = await failureOf(payments.authorize(authorization()))
    expect(hung).toBeInstanceOf(UpstreamUnavailable)
    expect(hung.details).toMatchObject({ outcome: 'failed', delivered: true })
    expect(String(hung.message)).toContain('503')
  })

  it('refuses calls beyond the bulkhead and its queue at once', async () => {
    const { payments, metric } = paymentsClient({ bulkheadSize: 1, bulkheadQueue: 1 })
    const latencyMs = 1000
    await simulate({ latencyMs })
    const started = performance.now()
    const calls = [
      payments.authorize(authorization()),
      payments.authorize(authorization()),
      payments.authorize(authorization()),
    ]
    const refused = await failureOf(calls[2]!)
    expect(performance.now() - started).toBeLessThan(latencyMs)
    expect(refused.details).toMatchObject({ outcome: 'bulkhead_full', delivered: false })
    expect((await Promise.all(calls.slice(0, 2))).map((result) => result.ok)).toEqual([true, true])
    expect(await metric('http_client_calls_total', ['outcome="bulkhead_full"'])).toBe(1)
  })

  it('answers with the fallback when the dependency is unavailable, and only then', async () => {
    const standIn = { status: 200, body: { id: 'stand-in' }, headers: {} }
    const offered: { outcome: unknown; path: string }[] = []
    const { http, payments, metric } = paymentsClient({
      breakerThreshold: 100,
      fallback: (error, call) => {
        offered.push({ outcome: error.details?.['outcome'], path: call.path })
        return call.method === 'GET' ? standIn : undefined
      },
    })
    // A 4xx is the dependency answering: a contract problem the fallback must not hide.
    expect(await failureOf(http.call({ method: 'GET', path: '/payments/not-a-uuid' }))).toBeInstanceOf(UpstreamRejected)
    expect(offered).toEqual([])

    await stopPayments()
    const paymentId = newId()
    expect(await payments.getPayment(paymentId)).toEqual(standIn.body)
    // Declined by the fallback (undefined): the error goes through as it was.
    expect((await failureOf(payments.authorize(authorization()))).details).toMatchObject({
      outcome: 'failed',
      delivered: false,
    })
    expect(offered).toEqual([
      { outcome: 'failed', path: `/payments/${paymentId}` },
      { outcome: 'failed', path: '/payments' },
    ])
    expect(await metric('http_client_fallbacks_total')).toBe(1)
    expect(await metric('http_client_calls_total', ['outcome="failed"'])).toBe(2)
  })
})
