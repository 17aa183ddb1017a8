import type { Sql } from 'postgres'
import type { FastifyInstance, FastifyRequest } from 'fastify'

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

// Probes, load balancers and dashboards may all ask at once: one round of checks a second answers them all,
// so readiness cannot multiply into a flood of calls to the dependencies.
const resultsTtlMs = 1000

export function registerHealthRoutes(
  app: FastifyInstance,
  service: string,
  checks: Record<string, ReadinessCheck>,
  options: { showDetail: (request: FastifyRequest) => Promise<boolean> },
): void {
  let latest: { at: number; results: Promise<(CheckResult & { ms: number })[]> } | undefined
  const names = Object.keys(checks)
  const results = () => {
    const now = Date.now()
    if (latest === undefined || now - latest.at >= resultsTtlMs)
      latest = { at: now, results: Promise.all(names.map((name) => runCheck(checks[name]!))) }
    return latest.results
  }
  app.get(
    '/health/live',
    {
      config: { public: true },
      schema: { summary: 'Liveness: the process answers', operationId: 'getLiveness', tags: ['health'] },
    },
    async () => ({ status: 'live', service }),
  )
  app.get(
    '/health/ready',
    {
      config: { public: true },
      schema: { summary: 'Readiness: this service and what it needs', operationId: 'getReadiness', tags: ['health'] },
    },
    async (request, reply) => {
      const checked = await results()
      const ready = checked.every((result) => result.ok)
      const answer = { status: ready ? 'ready' : 'not_ready', service }
      if (!(await options.showDetail(request))) return reply.code(ready ? 200 : 503).send(answer)
      return reply
        .code(ready ? 200 : 503)
        .send({ ...answer, checks: Object.fromEntries(names.map((name, index) => [name, checked[index]])) })
    },
  )
}
