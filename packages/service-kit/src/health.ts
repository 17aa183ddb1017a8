import type { Sql } from 'postgres'
import type { FastifyInstance } from 'fastify'

export interface CheckResult {
  ok: boolean
  detail?: unknown
}

/** One readiness condition; a check that throws or takes over two seconds counts as failed. */
export type ReadinessCheck = () => Promise<CheckResult>

export function databaseCheck(sql: Sql): ReadinessCheck {
  return async () => {
    await sql`select 1`
    return { ok: true }
  }
}

const checkTimeoutMs = 2000

async function runCheck(check: ReadinessCheck): Promise<CheckResult & { ms: number }> {
  const started = performance.now()
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${checkTimeoutMs} ms` }), checkTimeoutMs)
  })
  try {
    const result = await Promise.race([check(), timeout])
    return { ...result, ms: Math.round(performance.now() - started) }
  } catch (error) {
    return { ok: false, detail: (error as Error).message, ms: Math.round(performance.now() - started) }
  } finally {
    clearTimeout(timer)
  }
}

export function registerHealthRoutes(app: FastifyInstance, service: string, checks: Record<string, ReadinessCheck>): void {
  app.get('/health/live', { config: { public: true }, schema: { summary: 'Liveness: the process answers', tags: ['health'] } }, async () => ({ status: 'live', service }))
  app.get('/health/ready', { config: { public: true }, schema: { summary: 'Readiness: this service and what it needs', tags: ['health'] } }, async (_request, reply) => {
    const names = Object.keys(checks)
    const results = await Promise.all(names.map((name) => runCheck(checks[name]!)))
    const ready = results.every((result) => result.ok)
    return reply.code(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'not_ready',
      service,
      checks: Object.fromEntries(names.map((name, index) => [name, results[index]])),
    })
  })
}
