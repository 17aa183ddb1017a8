import type { Histogram } from 'hdr-histogram-js'
import { round, table } from '../support/report.ts'
import type { HttpCeiling } from './ceiling.ts'
import { lineChart } from './charts.ts'
import type { ConnectionStats } from './connections.ts'
import type { EndpointCost } from './endpoint-costs.ts'
import type { LoadResult, WarmUp } from './open-loop.ts'
import type { OverloadFigures, Recovery } from './overload.ts'
import type { Propagation } from './propagation.ts'
import { summarizeRun, targets, type RunSummary } from './run-summary.ts'
import type { FirstSeconds, Spread } from './steadiness.ts'

export interface Run {
  result: LoadResult
  saga: {
    followed: number
    polls: number
    outcomes: Record<string, number>
    ms: { p50: number; p99: number; max: number }
  }
  propagation: Propagation | undefined
  cpuSeconds: Record<string, number>
  machineBusyPercent: number
  /** TCP connects the users' pool made during this run: 0 when every user kept its connection. */
  connectionsOpened: number
}

export interface SweepRow {
  offered: number
  succeededPerSecond: number
  p99: number
  errorRate: number
  passed: boolean
  perSecondP99: Spread | undefined
  firstSecondsDiffer: boolean | undefined
  connectionsOpened: number
}

export interface IdleCpu {
  seconds: number
  /** CPU of each shop process and PostgreSQL per second at rest. */
  msPerSecond: Record<string, number>
  /** Their sum as a share of the whole machine (every core). */
  machinePercent: number
}

interface ReportInput {
  machine: string
  transport: string
  users: number
  intervalMs: number
  durationMs: number
  newSessions: { share: number; accounts: number; shortestRepeatSeconds: number | undefined } | undefined
  ceilings: {
    http: HttpCeiling
    singleInsertsPerSecond: number | undefined
    jetstreamPublishesPerSecond: number | undefined
  }
  /** The users' connections to the shop: the connect phase and the pool's counts when it was closed at the end. */
  connections: { connect: { ms: number; failed: number }; stats: ConnectionStats }
  warmUp: WarmUp & { maxMs: number }
  runs: Run[]
  sweep: SweepRow[]
  endpointCosts: EndpointCost[]
  idle: IdleCpu | undefined
  overload: { during: OverloadFigures; after: OverloadFigures; recovery: Recovery } | undefined
  targetGiven: boolean
}

const ms = (histogram: Histogram, percentile: number) => round(histogram.getValueAtPercentile(percentile) / 1000)
const percentilesOf = (histogram: Histogram) => ({
  p50: ms(histogram, 50),
  p95: ms(histogram, 95),
  p99: ms(histogram, 99),
  p999: ms(histogram, 99.9),
  max: round(histogram.maxValue / 1000),
  count: histogram.totalCount,
})
const spreadText = (spread: Spread | undefined) =>
  spread === undefined ? 'n/a' : `${round(spread.min)} / ${round(spread.median)} / ${round(spread.max)}`
const firstText = (first: FirstSeconds | undefined) =>
  first === undefined
    ? 'n/a (too short)'
    : `${round(first.p99)} vs ${round(first.restMedianP99)} ms${first.differs ? ': **DIFFER** (> 2 ×)' : ''}`
const yes = (ok: boolean) => (ok ? 'yes' : '**no**')
const disconnectsText = (stats: ConnectionStats) =>
  Object.entries(stats.disconnects)
    .map(([reason, count]) => `${reason} ${count}`)
    .join(', ') || 'none'

function runsSection(input: ReportInput, summaries: RunSummary[]): string[] {
  return [
    `## Runs (${input.runs.length}, the same connections)`,
    table(
      [
        'run',
        'p99 ms, whole run',
        'per-second p99 ms min / median / max',
        'first 3 s p99 vs median of the rest',
        'errors',
        'steady mix sent / succeeded req/s',
        'connections opened',
        `meets p99 < ${targets.p99Ms} ms and 0 errors`,
      ],
      input.runs.map((run, index) => {
        const summary = summaries[index]!
        const sent = run.result.attempted / (input.durationMs / 1000)
        return [
          index + 1,
          round(summary.p99),
          spreadText(summary.perSecondP99),
          firstText(summary.firstSeconds),
          summary.errors,
          `${round(sent, 0)} / ${round(run.result.succeeded / run.result.seconds, 0)}`,
          run.connectionsOpened,
          yes(summary.meetsTargets),
        ]
      }),
    ),
    ``,
    `All runs meet the targets: ${yes(summaries.every((summary) => summary.meetsTargets))}. ` +
      'A run whose first 3 s have a p99 over twice the median per-second p99 of its other seconds is marked DIFFER: ' +
      'it did not start in a steady state.',
  ]
}

function connectionsSection(input: ReportInput): string[] {
  const { stats, connect } = input.connections
  const http = input.ceilings.http
  const warm = input.warmUp
  return [
    `## Connections and warm-up`,
    table(
      ['', 'shop (gateway)', 'bare Fastify (ceiling)'],
      [
        [
          'users / connections',
          `${input.users} / ${stats.connections}`,
          `${input.users} / ${http.connections.connections}`,
        ],
        [
          'connect phase (before any clock)',
          `${round(connect.ms / 1000, 2)} s, ${connect.failed} failed`,
          `${round(http.connect.ms / 1000, 2)} s, ${http.connect.failed} failed`,
        ],
        [
          'TCP connections opened (undici) / re-opened',
          `${stats.opened} / ${stats.reopened}`,
          `${http.connections.opened} / ${http.connections.reopened}`,
        ],
        ['connections the server accepted', 'not counted', String(http.connections.acceptedByServer)],
        ['disconnects before the end', disconnectsText(stats), disconnectsText(http.connections)],
        [
          'keep-alive pings on idle connections (not measured) / failed',
          `${stats.pings} / ${stats.pingErrors}`,
          `${http.connections.pings} / ${http.connections.pingErrors}`,
        ],
        [
          'warm-up (until every user was answered once)',
          `${round(warm.ms / 1000, 1)} s, ${warm.requests} requests, ${warm.errors} errors` +
            (warm.errors === 0 ? '' : ` (${outcomes(warm.errorsByOutcome)})`) +
            (warm.boundHit
              ? `, **stopped at its ${warm.maxMs / 1000} s bound with ${warm.usersLeft} users unanswered**`
              : ''),
          `${round(http.warmUp.ms / 1000, 1)} s, ${http.warmUp.requests} requests` +
            (http.warmUp.boundHit ? `, **stopped at its bound with ${http.warmUp.usersLeft} users unanswered**` : ''),
        ],
      ],
    ),
  ]
}

export function renderReport(input: ReportInput) {
  const summaries = input.runs.map((run) => summarizeRun(run.result))
  // The details are the worst run's (highest p99): the one that decides whether the targets hold.
  const worstIndex = summaries.reduce(
    (worst, summary, index) => (summary.p99 > summaries[worst]!.p99 ? index : worst),
    0,
  )
  const { result, saga, propagation } = input.runs[worstIndex]!
  const worst = summaries[worstIndex]!
  const offered = (input.users * 1000) / input.intervalMs
  // Sends stop at the end of the run; answers are counted until the last one came back (an overloaded shop
  // keeps answering long after), so the succeeded rate is what the shop really completed per second.
  const sent = result.attempted / (input.durationMs / 1000)
  const completed = result.succeeded / result.seconds
  const availability = result.succeeded / result.attempted
  const overall = percentilesOf(result.overall)
  const endpoints = Object.fromEntries(
    Object.entries(result.byEndpoint).map(([name, histogram]) => [name, percentilesOf(histogram)]),
  )
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met')
  const propagationP99 = Math.max(
    ...Object.values(propagation?.byConsumer ?? {}).map((consumer) => consumer.p99 ?? 0),
    0,
  )
  const sessions = input.newSessions
  const markdown = [
    `# Benchmark: the seed's non-functional requirements, end to end`,
    ``,
    `Machine: ${input.machine}; the load generator runs on the same cores. Transport: ${input.transport}. ` +
      `${input.users} virtual users, each on one keep-alive connection opened before any clock started ` +
      `and kept for every run, one request every ${round(input.intervalMs, 1)} ms on average (Poisson), ` +
      `${round(offered, 0)} req/s offered, ${input.durationMs / 1000} s per measured run after a warm-up. ` +
      "Latency is measured from each request's intended send time (no coordinated omission); " +
      'per-second figures count a request in the second it was due.',
    ...(sessions === undefined
      ? []
      : [
          ``,
          `New sessions: ${round(sessions.share * 100, 2)} % of requests are logins ` +
            `of ${sessions.accounts} bench accounts taken in turn (shortest time between two logins of one account: ` +
            (sessions.shortestRepeatSeconds === undefined
              ? 'none logged in twice'
              : `${round(sessions.shortestRepeatSeconds, 0)} s`) +
            "). They are measured apart: the `login` row below, not in the steady mix's figures; " +
            'their failures count as errors.',
        ]),
    ``,
    ...runsSection(input, summaries),
    ``,
    `## Result${input.runs.length > 1 ? ` (run ${worstIndex + 1}, the highest p99)` : ''}`,
    table(
      ['', 'figure', 'seed bar', 'our bar'],
      [
        [
          'p99, steady mix, whole run',
          `${overall.p99} ms`,
          `< 300 ms: ${verdict(overall.p99 < 300)}`,
          `< 100 ms: ${verdict(overall.p99 < 100)}`,
        ],
        ['per-second p99 min / median / max', `${spreadText(worst.perSecondP99)} ms`, '', ''],
        ['first 3 s p99 vs median per-second p99 of the rest', firstText(worst.firstSeconds), '', ''],
        [
          'availability (2xx / attempted)',
          `${round(availability * 100, 3)} %`,
          `≥ 99.9 %: ${verdict(availability >= 0.999)}`,
          `0 errors: ${verdict(worst.errors === 0)}`,
        ],
        [
          'throughput sent / succeeded / offered',
          `${round(sent, 0)} / ${round(completed, 0)} / ${round(offered, 0)} req/s`,
          '',
          '',
        ],
        [
          'event propagation p99 (worst read model)',
          `${round(propagationP99)} ms`,
          '',
          `< 100 ms: ${verdict(propagationP99 < 100)}`,
        ],
        [
          'saga completion p50 / p99 (202 → final in order-history)',
          `${round(saga.ms.p50)} / ${round(saga.ms.p99)} ms`,
          '',
          `p99 < 250 ms: ${verdict(saga.ms.p99 < 250)}`,
        ],
      ],
    ),
    ``,
    `## Latency per endpoint (ms)`,
    table(
      ['endpoint', 'requests', 'p50', 'p95', 'p99', 'p99.9', 'max'],
      [
        ['all (steady mix)', overall.count, overall.p50, overall.p95, overall.p99, overall.p999, overall.max],
        ...Object.entries(endpoints).map(([name, figures]) => [
          name === 'login' ? 'login (new sessions, apart)' : name,
          figures.count,
          figures.p50,
          figures.p95,
          figures.p99,
          figures.p999,
          figures.max,
        ]),
      ],
    ),
    ``,
    `Errors: ${Object.keys(result.errors).length === 0 ? 'none' : outcomes(result.errors)}.`,
    ``,
    `## Event propagation per read model (from the consumers' own histograms)`,
    table(
      ['consumer', 'events', 'p50 ms', 'p99 ms'],
      Object.entries(propagation?.byConsumer ?? {}).map(([name, figures]) => [
        name,
        figures.events,
        round(figures.p50 ?? 0),
        round(figures.p99 ?? 0),
      ]),
    ),
    ``,
    `Saga completion was followed for ${saga.followed} orders ` +
      `(one in ten; ${saga.polls} polls of order-history, part of the load): ` +
      `${Object.entries(saga.outcomes)
        .map(([status, count]) => `${status} ${count}`)
        .join(', ')}.`,
    ``,
    ...connectionsSection(input),
    ``,
    `## Ceilings in the same run`,
    table(
      ['what', 'figure'],
      [
        [
          'bare Fastify JSON route: same users, kept connections, warm-up and rate',
          `p50 ${round(input.ceilings.http.p50)} ms, p99 ${round(input.ceilings.http.p99)} ms ` +
            `at ${round(input.ceilings.http.rate, 0)} req/s; ` +
            `per-second p99 ${spreadText(input.ceilings.http.perSecondP99)} ms; ` +
            `first 3 s ${firstText(input.ceilings.http.firstSeconds)}`,
        ],
        [
          'single-row INSERT transactions, same PostgreSQL (32 clients)',
          input.ceilings.singleInsertsPerSecond === undefined
            ? 'n/a (--target without --pg-url)'
            : `${round(input.ceilings.singleInsertsPerSecond, 0)}/s`,
        ],
        [
          'acknowledged JetStream publishes (256 in flight)',
          input.ceilings.jetstreamPublishesPerSecond === undefined
            ? 'n/a (NATS unreachable)'
            : `${round(input.ceilings.jetstreamPublishesPerSecond, 0)}/s`,
        ],
      ],
    ),
    ``,
    `## CPU seconds during the measured run${input.runs.length > 1 ? ` ${worstIndex + 1}` : ''} ` +
      `(machine busy ${input.runs[worstIndex]!.machineBusyPercent} %)`,
    table(
      ['process', 'CPU s', 'CPU ms per successful request'],
      Object.entries(input.runs[worstIndex]!.cpuSeconds).map(([name, seconds]) => [
        name,
        seconds,
        round((seconds * 1000) / Math.max(result.succeeded, 1), 3),
      ]),
    ),
    ...(input.sweep.length === 0
      ? []
      : [
          ``,
          `## Saturation sweep (the same connections)`,
          table(
            [
              'offered req/s',
              'succeeded req/s',
              'p99 ms',
              'per-second p99 ms min / median / max',
              'first 3 s differ',
              'errors',
              'connections opened',
              'meets p99 < 300 ms and ≥ 99.9 %',
            ],
            input.sweep.map((row) => [
              row.offered,
              row.succeededPerSecond,
              row.p99,
              spreadText(row.perSecondP99),
              row.firstSecondsDiffer === undefined ? 'n/a' : row.firstSecondsDiffer ? '**yes**' : 'no',
              `${round(row.errorRate * 100, 2)} %`,
              row.connectionsOpened,
              row.passed ? 'yes' : 'no',
            ]),
          ),
          ``,
          "Highest rate meeting the seed's NFRs: " +
            `${input.sweep.filter((row) => row.passed).at(-1)?.offered ?? 'none'} req/s offered.`,
        ]),
    ...endpointCostsSection(input.endpointCosts),
    ...idleSection(input.idle),
    ...overloadSection(input.overload),
    ``,
    `Charts (run ${worstIndex + 1}): latency-over-time.svg, latency-per-endpoint.svg, propagation-over-time.svg.`,
  ].join('\n')
  const charts = {
    'latency-over-time.svg': lineChart('Latency over time (by due second)', 'second', 'ms', [
      { name: 'p50', points: result.timeline.map((second) => [second.second, second.p50] as const) },
      { name: 'p99', points: result.timeline.map((second) => [second.second, second.p99] as const) },
    ]),
    'latency-per-endpoint.svg': lineChart(
      'Latency distribution per endpoint',
      'percentile (log scale of 100 − p)',
      'ms',
      Object.entries(result.byEndpoint).map(([name, histogram]) => ({
        name,
        points: [50, 75, 90, 95, 99, 99.9].map(
          (p) => [100 / (100 - p), histogram.getValueAtPercentile(p) / 1000] as const,
        ),
      })),
      { logX: true },
    ),
    'propagation-over-time.svg': lineChart(
      'Event propagation p99 per read model (5 s windows)',
      'second',
      'ms',
      Object.entries(propagation?.timeline ?? {}).map(([name, points]) => ({ name, points })),
    ),
  }
  const runJson = (run: Run, index: number) => {
    const { overall: histogramOverall, byEndpoint, ...rest } = run.result
    return {
      ...run,
      summary: summaries[index],
      result: {
        ...rest,
        overall: percentilesOf(histogramOverall),
        endpoints: Object.fromEntries(
          Object.entries(byEndpoint).map(([name, histogram]) => [name, percentilesOf(histogram)]),
        ),
      },
    }
  }
  const json = {
    ...input,
    runs: input.runs.map(runJson),
    allRunsMeetTargets: summaries.every((summary) => summary.meetsTargets),
    targets,
    detailedRun: worstIndex + 1,
  }
  return { markdown, charts, json }
}

const outcomes = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([kind, count]) => `${kind}: ${count}`)
    .join(', ')

function endpointCostsSection(costs: readonly EndpointCost[]): string[] {
  if (costs.length === 0) return []
  const processes = Object.keys(costs[0]!.cpuMsPerRequest).filter((name) => name !== 'generator')
  return [
    ``,
    `## CPU per request, one endpoint at a time (the same users and connections)`,
    table(
      [
        'endpoint',
        'succeeded req/s',
        'p99 ms',
        'errors',
        'shop CPU ms per request',
        'beyond idle',
        ...processes,
        'machine busy %',
      ],
      costs.map((cost) => [
        cost.endpoint,
        cost.succeededPerSecond,
        cost.p99,
        cost.errors,
        `**${cost.shopCpuMsPerRequest}**`,
        cost.marginalShopCpuMsPerRequest ?? 'n/a',
        ...processes.map((name) => cost.cpuMsPerRequest[name] ?? 0),
        cost.machineBusyPercent,
      ]),
    ),
    ``,
    'Shop CPU is every service and PostgreSQL, without the load generator; "beyond idle" takes away what the ' +
      'shop burns at rest over as long. Reads of orders are sent by the users ' +
      'who had placed one by then. Background work (relays, consumers, sagas) that a request causes is counted ' +
      'in its run.',
  ]
}

function idleSection(idle: IdleCpu | undefined): string[] {
  if (idle === undefined) return []
  return [
    ``,
    `## The shop at rest (${idle.seconds} s, every user's connection open, nothing sent)`,
    table(
      ['process', 'CPU ms per second'],
      Object.entries(idle.msPerSecond).map(([name, ms]) => [name, ms]),
    ),
    ``,
    `In all ${idle.machinePercent} % of the machine (target: under 1 %).`,
  ]
}

function overloadSection(
  overload: { during: OverloadFigures; after: OverloadFigures; recovery: Recovery } | undefined,
): string[] {
  if (overload === undefined) return []
  const row = (phase: string, figures: OverloadFigures) => [
    phase,
    figures.offered,
    figures.sentPerSecond,
    `${round(figures.shedShare * 100, 2)} %`,
    figures.otherErrors,
    `${figures.admittedP99.median} / ${figures.admittedP99.max}`,
    figures.maxMs,
  ]
  const { recovery } = overload
  const back =
    recovery.seconds === undefined ? '**never, within 30 s**' : `${recovery.seconds} s after the overload ended`
  return [
    ``,
    `## Overload: twice the rate for 20 s, then the rate for 30 s`,
    table(
      [
        'phase',
        'offered req/s',
        'sent req/s',
        'shed (503 + Retry-After)',
        'other errors',
        'admitted p99 ms, per-second median / max',
        'slowest answer ms',
      ],
      [row('overload', overload.during), row('after it', overload.after)],
    ),
    ``,
    `Back to normal (every later second without errors and with p99 ≤ ${recovery.p99BoundMs} ms) ` +
      back +
      `; circuit breakers not closed at the end: ${recovery.circuitsNotClosed}.`,
  ]
}
