import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createLogger, deferredChild } from './logger.ts'

function collectingLogger(level: 'info' | 'warn') {
  const lines: Record<string, unknown>[] = []
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>)
      done()
    },
  })
  return { logger: createLogger({ service: 'test', level, destination }), lines }
}

describe('a deferred child logger', () => {
  it('writes its bindings, redacted like any line, once it logs at an enabled level', async () => {
    const { logger, lines } = collectingLogger('info')
    let made = 0
    const counting = new Proxy(logger, {
      get: (target, property) =>
        property === 'child'
          ? (...args: Parameters<typeof logger.child>) => (made++, target.child(...args))
          : Reflect.get(target, property),
    })
    const child = deferredChild(counting, { request_id: 'r-1', headers: { authorization: 'Bearer secret' } })
    expect(made).toBe(0)
    child.debug('not written')
    expect(made).toBe(0)
    child.info({ answer: 42 }, 'written')
    child.warn('written too')
    expect(made).toBe(1)
    await new Promise((resolve) => setImmediate(resolve))
    expect(lines.map((line) => [line['msg'], line['request_id'], line['service']])).toEqual([
      ['written', 'r-1', 'test'],
      ['written too', 'r-1', 'test'],
    ])
    expect(lines[0]!['answer']).toBe(42)
    expect(JSON.stringify(lines)).not.toContain('secret')
  })

  it('is not made for lines below the level, only when something else is asked of it', () => {
    const { logger } = collectingLogger('warn')
    let made = 0
    const counting = new Proxy(logger, {
      get: (target, property) =>
        property === 'child'
          ? (...args: Parameters<typeof logger.child>) => (made++, target.child(...args))
          : Reflect.get(target, property),
    })
    const child = deferredChild(counting, { request_id: 'r-2' })
    // What Fastify does with the logger it is handed: looks its methods up.
    for (const method of ['info', 'error', 'debug', 'fatal', 'warn', 'trace', 'child'] as const)
      expect(typeof child[method]).toBe('function')
    child.info('dropped')
    child.debug('dropped')
    expect(made).toBe(0)
    expect(child.level).toBe('warn')
    expect(made).toBe(1)
  })
})
