import type { AddressInfo } from 'node:net'
import { createLogger, createMetricsRegistry, createServiceApp, type ServiceApp } from '@seams/service-kit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { limitRequestsInFlight } from './admission-limit.ts'

describe('the admission limit', () => {
  let app: ServiceApp
  let base: string
  const metrics = createMetricsRegistry('admission-test')
  // Each slow request waits until the test lets it go.
  const waiting: (() => void)[] = []

  beforeAll(async () => {
    app = await createServiceApp({
      service: 'gateway',
      logger: createLogger({ service: 'gateway', level: 'silent' }),
      metrics,
    })
    await app.register(async (api) => {
      limitRequestsInFlight(api, { maxInFlight: 2, retryAfterSeconds: 1, metrics })
      api.get(
        '/slow',
        { config: { public: true } },
        () => new Promise((resolve) => waiting.push(() => resolve({ ok: true }))),
      )
      api.get('/fast', { config: { public: true } }, async () => ({ ok: true }))
    })
    await app.listen({ port: 0, host: '127.0.0.1' })
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  })

  afterAll(async () => {
    await app?.close()
  })

  const until = async (condition: () => boolean) => {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10))
  }

  it('refuses at once, with 503 and Retry-After, what comes beyond the limit, and admits as answers go', async () => {
    const slow = [fetch(`${base}/slow`), fetch(`${base}/slow`)]
    await until(() => waiting.length === 2)
    const refused = await fetch(`${base}/fast`)
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('1')
    expect(await refused.json()).toMatchObject({ code: 'GATEWAY_OVERLOADED' })
    expect(await metrics.metrics()).toMatch(/gateway_requests_shed_total\{service="admission-test"\} 1/)
    waiting.splice(0).forEach((release) => release())
    expect((await Promise.all(slow)).map((response) => response.status)).toEqual([200, 200])
    expect((await fetch(`${base}/fast`)).status).toBe(200)
  })

  it('counts a request whose client went away as gone', async () => {
    const aborted = new AbortController()
    const gone = fetch(`${base}/slow`, { signal: aborted.signal }).catch(() => 'aborted')
    const held = fetch(`${base}/slow`)
    await until(() => waiting.length === 2)
    aborted.abort()
    expect(await gone).toBe('aborted')
    // The aborted request's slot is free once its socket has closed: one more is admitted beside the held one.
    let admitted = 0
    for (let attempt = 0; attempt < 50 && admitted === 0; attempt += 1) {
      const response = await fetch(`${base}/fast`)
      if (response.status === 200) admitted += 1
      else await new Promise((resolve) => setTimeout(resolve, 20))
    }
    expect(admitted).toBe(1)
    waiting.splice(0).forEach((release) => release())
    expect((await held).status).toBe(200)
  })
})
