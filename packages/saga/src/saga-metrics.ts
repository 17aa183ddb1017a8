import type { Sql } from 'postgres'
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'

export interface SagaMetrics {
  started(type: string): void
  finished(type: string, outcome: 'completed' | 'compensated', seconds: number): void
  step(type: string, step: string, direction: 'forward' | 'compensate', outcome: string, startedAt: number): void
}

export function sagaMetrics(registry: Registry, sql: Sql): SagaMetrics {
  const started = new Counter({
    name: 'saga_started_total',
    help: 'Sagas begun',
    labelNames: ['type'],
    registers: [registry],
  })
  const duration = new Histogram({
    name: 'saga_duration_seconds',
    help: 'From begin to completed or compensated',
    labelNames: ['type', 'outcome'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  })
  const steps = new Histogram({
    name: 'saga_step_duration_seconds',
    help: 'Duration of saga steps and compensations by outcome',
    labelNames: ['type', 'step', 'direction', 'outcome'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  })
  const failedCompensations = new Counter({
    name: 'saga_compensation_failures_total',
    help: 'Compensation attempts that failed and will be retried',
    labelNames: ['type', 'step'],
    registers: [registry],
  })
  new Gauge({
    name: 'saga_active',
    help:
      'Sagas not finished, by status; compensating ones with failed attempts are stuck until their ' +
      'compensation succeeds',
    labelNames: ['type', 'status'],
    registers: [registry],
    async collect() {
      this.reset()
      const rows = await sql<{ type: string; status: string; count: number }[]>`
        select type,
          case when status = 'compensating' and attempts > 0 then 'compensation_retrying' else status end as status,
          count(*)::int8 as count
        from seams_sagas where status in ('running', 'compensating') group by 1, 2`.catch(() => [])
      for (const row of rows) this.set({ type: row.type, status: row.status }, row.count)
    },
  })
  return {
    started: (type) => started.inc({ type }),
    finished: (type, outcome, seconds) => duration.observe({ type, outcome }, seconds),
    step(type, step, direction, outcome, startedAt) {
      steps.observe({ type, step, direction, outcome }, (performance.now() - startedAt) / 1000)
      if (direction === 'compensate' && outcome === 'failed') failedCompensations.inc({ type, step })
    },
  }
}
