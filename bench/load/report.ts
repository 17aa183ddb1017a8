import type { Histogram } from 'hdr-histogram-js'
import { round, table } from '../support/report.ts'
import { lineChart } from './charts.ts'
import type { LoadResult } from './open-loop.ts'
import type { Propagation } from './propagation.ts'

interface Run {
  result: LoadResult
  saga: { followed: number; polls: number; outcomes: Record<string, number>; ms: { p50: number; p99: number; max: number } }
  propagation: Propagation | undefined
  cpuSeconds: Record<string, number>
  machineBusyPercent: number
}

interface ReportInput {
  machine: string
  transport: string
  users: number
  intervalMs: number
  durationMs: number
  ceilings: { http: { p50: number; p99: number; rate: number }; singleInsertsPerSecond: number | undefined; jetstreamPublishesPerSecond: number | undefined }
  main: Run
  sweep: { offered: number; succeededPerSecond: number; p99: number; errorRate: number; passed: boolean }[]
  targetGiven: boolean
}

const ms = (histogram: Histogram, percentile: number) => round(histogram.getValueAtPercentile(percentile) / 1000)
const percentilesOf = (histogram: Histogram) => ({ p50: ms(histogram, 50), p95: ms(histogram, 95), p99: ms(histogram, 99), p999: ms(histogram, 99.9), max: round(histogram.maxValue / 1000), count: histogram.totalCount })

export function renderReport(input: ReportInput) {
  const { result, saga, propagation } = input.main
  const offered = (input.users * 1000) / input.intervalMs
  // Sends stop at the end of the run; answers are counted until the last one came back (an overloaded shop
  // keeps answering long after), so the succeeded rate is what the shop really completed per second.
  const sent = result.attempted / (input.durationMs / 1000)
  const completed = result.succeeded / result.seconds
  const availability = result.succeeded / result.attempted
  const overall = percentilesOf(result.overall)
  const endpoints = Object.fromEntries(Object.entries(result.byEndpoint).map(([name, histogram]) => [name, percentilesOf(histogram)]))
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met')
  const propagationP99 = Math.max(...Object.values(propagation?.byConsumer ?? {}).map((consumer) => consumer.p99 ?? 0), 0)
  const markdown = [
    `# Benchmark: the seed's non-functional requirements, end to end`,
    ``,
    `Machine: ${input.machine}; the load generator runs on the same cores. Transport: ${input.transport}. ${input.users} virtual users, each on its own keep-alive connection, one request every ${input.intervalMs} ms on average (Poisson), ${round(offered, 0)} req/s offered, ${input.durationMs / 1000} s measured after a warm-up. Latency is measured from each request's intended send time (no coordinated omission).`,
    ``,
    `## Result`,
    table(['', 'figure', 'seed bar', 'our bar'], [
      ['p99, whole mix', `${overall.p99} ms`, `< 300 ms: ${verdict(overall.p99 < 300)}`, `< 100 ms: ${verdict(overall.p99 < 100)}`],
      ['availability (2xx / attempted)', `${round(availability * 100, 3)} %`, `≥ 99.9 %: ${verdict(availability >= 0.999)}`, `0 errors: ${verdict(result.succeeded === result.attempted)}`],
      ['throughput sent / succeeded / offered', `${round(sent, 0)} / ${round(completed, 0)} / ${round(offered, 0)} req/s`, '', ''],
      ['event propagation p99 (worst read model)', `${round(propagationP99)} ms`, '', `< 100 ms: ${verdict(propagationP99 < 100)}`],
      ['saga completion p50 / p99 (202 → final in order-history)', `${round(saga.ms.p50)} / ${round(saga.ms.p99)} ms`, '', `p99 < 250 ms: ${verdict(saga.ms.p99 < 250)}`],
    ]),
    ``,
    `## Latency per endpoint (ms)`,
    table(['endpoint', 'requests', 'p50', 'p95', 'p99', 'p99.9', 'max'], [
      ['all', overall.count, overall.p50, overall.p95, overall.p99, overall.p999, overall.max],
      ...Object.entries(endpoints).map(([name, figures]) => [name, figures.count, figures.p50, figures.p95, figures.p99, figures.p999, figures.max]),
    ]),
    ``,
    `Errors: ${Object.keys(result.errors).length === 0 ? 'none' : Object.entries(result.errors).map(([kind, count]) => `${kind}: ${count}`).join(', ')}.`,
    ``,
    `## Event propagation per read model (from the consumers' own histograms)`,
    table(['consumer', 'events', 'p50 ms', 'p99 ms'], Object.entries(propagation?.byConsumer ?? {}).map(([name, figures]) => [name, figures.events, round(figures.p50 ?? 0), round(figures.p99 ?? 0)])),
    ``,
    `Saga completion was followed for ${saga.followed} orders (one in ten; ${saga.polls} polls of order-history, part of the load): ${Object.entries(saga.outcomes).map(([status, count]) => `${status} ${count}`).join(', ')}.`,
    ``,
    `## Ceilings in the same run`,
    table(['what', 'figure'], [
      ['bare Fastify JSON route, same generator, users and rate', `p50 ${round(input.ceilings.http.p50)} ms, p99 ${round(input.ceilings.http.p99)} ms at ${round(input.ceilings.http.rate, 0)} req/s`],
      ['single-row INSERT transactions, same PostgreSQL (32 clients)', input.ceilings.singleInsertsPerSecond === undefined ? 'n/a (--target without --pg-url)' : `${round(input.ceilings.singleInsertsPerSecond, 0)}/s`],
      ['acknowledged JetStream publishes (256 in flight)', input.ceilings.jetstreamPublishesPerSecond === undefined ? 'n/a (NATS unreachable)' : `${round(input.ceilings.jetstreamPublishesPerSecond, 0)}/s`],
    ]),
    ``,
    `## CPU seconds during the measured run (machine busy ${input.main.machineBusyPercent} %)`,
    table(['process', 'CPU s', 'CPU ms per successful request'], Object.entries(input.main.cpuSeconds).map(([name, seconds]) => [name, seconds, round((seconds * 1000) / Math.max(result.succeeded, 1), 3)])),
    ...(input.sweep.length === 0
      ? []
      : [
          ``,
          `## Saturation sweep`,
          table(['offered req/s', 'succeeded req/s', 'p99 ms', 'errors', 'meets p99 < 300 ms and ≥ 99.9 %'], input.sweep.map((row) => [row.offered, row.succeededPerSecond, row.p99, `${round(row.errorRate * 100, 2)} %`, row.passed ? 'yes' : 'no'])),
          ``,
          `Highest rate meeting the seed's NFRs: ${input.sweep.filter((row) => row.passed).at(-1)?.offered ?? 'none'} req/s offered.`,
        ]),
    ``,
    `Charts: latency-over-time.svg, latency-per-endpoint.svg, propagation-over-time.svg.`,
  ].join('\n')
  const charts = {
    'latency-over-time.svg': lineChart('Latency over time', 'second', 'ms', [
      { name: 'p50', points: result.timeline.map((second) => [second.second, second.p50] as const) },
      { name: 'p99', points: result.timeline.map((second) => [second.second, second.p99] as const) },
    ]),
    'latency-per-endpoint.svg': lineChart(
      'Latency distribution per endpoint',
      'percentile (log scale of 100 − p)',
      'ms',
      Object.entries(result.byEndpoint).map(([name, histogram]) => ({ name, points: [50, 75, 90, 95, 99, 99.9].map((p) => [100 / (100 - p), histogram.getValueAtPercentile(p) / 1000] as const) })),
      { logX: true },
    ),
    'propagation-over-time.svg': lineChart('Event propagation p99 per read model (5 s windows)', 'second', 'ms', Object.entries(propagation?.timeline ?? {}).map(([name, points]) => ({ name, points }))),
  }
  return { markdown, charts, json: { ...input, main: { ...input.main, result: { attempted: result.attempted, succeeded: result.succeeded, errors: result.errors, seconds: result.seconds, overall, endpoints, timeline: result.timeline } } } }
}
