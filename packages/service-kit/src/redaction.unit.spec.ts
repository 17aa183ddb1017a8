import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createLogger } from './logger.ts'
import { createMetricsRegistry } from './metrics.ts'
import { redactCredentials } from './redaction.ts'
import { createServiceApp } from './service-app.ts'

/** A logger whose lines are kept, parsed, instead of written to stdout. */
function capturedLogger() {
  const lines: Record<string, any>[] = []
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(
        ...chunk
          .toString()
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as Record<string, any>),
      )
      done()
    },
  })
  return { logger: createLogger({ service: 'test', destination }), lines, text: () => JSON.stringify(lines) }
}

describe('log redaction', () => {
  it("shows a logged request's Authorization and Cookie headers as [Redacted]", async () => {
    const { logger, lines, text } = capturedLogger()
    const app = await createServiceApp({ service: 'test', logger, metrics: createMetricsRegistry('test') })
    app.get('/echo', { config: { public: true } }, async (request) => {
      request.log.info({ req: request }, 'request received')
      request.log.info({ request: { method: request.method, headers: request.headers } }, 'request dumped')
      request.log.info({ headers: request.headers }, 'headers alone')
      return { ok: true }
    })
    const response = await app.inject({
      method: 'GET',
      url: '/echo',
      headers: { authorization: 'Bearer eyJ.secret-token', cookie: 'session=cookie-secret', 'user-agent': 'spec' },
    })
    expect(response.statusCode).toBe(200)
    await app.close()

    const logged = lines.filter((line) => ['request received', 'request dumped', 'headers alone'].includes(line['msg']))
    expect(logged).toHaveLength(3)
    expect(logged[0]!['req']).toMatchObject({ method: 'GET', url: '/echo' })
    expect(logged[1]!['request'].headers).toMatchObject({
      authorization: '[Redacted]',
      cookie: '[Redacted]',
      'user-agent': 'spec',
    })
    expect(logged[2]!['headers']).toMatchObject({ authorization: '[Redacted]', cookie: '[Redacted]' })
    expect(text()).not.toContain('secret-token')
    expect(text()).not.toContain('cookie-secret')
  })

  it('hides fields that hold a password, token or secret, at the top and one level down', () => {
    const { logger, lines, text } = capturedLogger()
    logger.info({ password: 'p-1', user: { email: 'a@example.com', password: 'p-2' } }, 'login')
    logger.info(
      {
        body: { accessToken: 't-1' },
        err: { response: { headers: { authorization: 'Basic t-2' } } },
        config: { SERVICE_PRIVATE_KEY: 's-1', DATABASE_URL: 'postgres://u:p-3@db/x' },
      },
      'nested',
    )
    expect(lines[0]).toMatchObject({ password: '[Redacted]', user: { email: 'a@example.com', password: '[Redacted]' } })
    expect(lines[1]).toMatchObject({
      body: { accessToken: '[Redacted]' },
      err: { response: { headers: { authorization: '[Redacted]' } } },
      config: { SERVICE_PRIVATE_KEY: '[Redacted]', DATABASE_URL: '[Redacted]' },
    })
    for (const secret of ['p-1', 'p-2', 'p-3', 's-1', 't-1', 't-2']) expect(text()).not.toContain(secret)
  })
})

describe('redactCredentials', () => {
  it('shows the password of a URL as ***, keeping the user, host and database', () => {
    expect(redactCredentials('postgres://shop:s3cret@db:5432/shop')).toBe('postgres://shop:***@db:5432/shop')
    expect(redactCredentials('redis://:s3cret@cache:6379')).toBe('redis://:***@cache:6379')
    expect(redactCredentials('failed: postgres://a:s3cret@h/d, nats://n:pa:ss@n:4222')).toBe(
      'failed: postgres://a:***@h/d, nats://n:***@n:4222',
    )
  })

  it('finds the password of a malformed URL too, and leaves URLs without one as they are', () => {
    expect(redactCredentials('"postgres//user:s3cret@host/db"')).toBe('"postgres//user:***@host/db"')
    expect(redactCredentials('user:s3c@ret@host:5432')).toBe('user:***@host:5432')
    expect(redactCredentials('postgres://postgres@127.0.0.1:5432/postgres')).toBe(
      'postgres://postgres@127.0.0.1:5432/postgres',
    )
    expect(redactCredentials('http://127.0.0.1:8080/api and alice@example.com')).toBe(
      'http://127.0.0.1:8080/api and alice@example.com',
    )
  })
})
