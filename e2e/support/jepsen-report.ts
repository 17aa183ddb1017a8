import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { COUNTING_METHOD } from './jepsen-counts.ts'
import type { ScenarioReport } from './scenario-report.ts'

/** One row of the fault table: a scenario on one transport with one seed. */
export interface FaultRow {
  scenario: string
  title: string
  transport: string
  seed: number
  replay: string
  attempted: number
  acknowledged: number
  confirmed: number
  rejected: number
  cancelled: number
  lostOrders: number
  lostEvents: number
  duplicatedEffects: number
  staleReads: number
  violations: number
  convergenceMs: number | null
  /** Everything behind the counts, for the JSON: which orders, events, reads. */
  details: Pick<ScenarioReport, 'counts' | 'staleReads' | 'violations' | 'faults' | 'settle' | 'size'>
  timeline: ScenarioReport['timeline']
  windows: ScenarioReport['windows']
}

export function rowOf(report: ScenarioReport, title: string, replay: string): FaultRow {
  const { counts } = report
  return {
    scenario: report.scenario,
    title,
    transport: report.transport,
    seed: report.seed,
    replay,
    attempted: counts.attempted,
    acknowledged: counts.acknowledged,
    confirmed: counts.confirmed,
    rejected: counts.rejected,
    cancelled: counts.cancelled,
    lostOrders: counts.lost.orders.length,
    lostEvents: counts.lost.events.length + counts.lost.unrelayed.length + counts.lost.phantom.length,
    duplicatedEffects:
      counts.duplicated.reservations.length +
      counts.duplicated.charges.length +
      counts.duplicated.eventsAppliedTwice.length,
    staleReads: report.staleReads.length,
    violations: report.violations.length,
    convergenceMs: report.convergenceMs,
    details: {
      counts,
      staleReads: report.staleReads,
      violations: report.violations,
      faults: report.faults,
      settle: report.settle,
      size: report.size,
    },
    timeline: report.timeline,
    windows: report.windows,
  }
}

const seconds = (ms: number | null) => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`)

export function markdownOf(rows: readonly FaultRow[], started: string): string {
  const header =
    '| scenario | transport | seed | attempted | acknowledged (202) | confirmed | rejected | cancelled | ' +
    'lost orders | lost events | duplicated effects | stale reads | violations | convergence |'
  const lines = rows.map(
    (row) =>
      `| ${row.scenario} | ${row.transport} | ${row.seed} | ${row.attempted} | ${row.acknowledged} | ` +
      `${row.confirmed} | ` +
      `${row.rejected} | ${row.cancelled} | ${row.lostOrders} | ${row.lostEvents} | ${row.duplicatedEffects} | ` +
      `${row.staleReads} | ${row.violations} | ${seconds(row.convergenceMs)} |`,
  )
  const findings = rows.flatMap((row) => {
    const listed = [
      ...row.details.counts.lost.orders.map((text) => `lost order ${text}`),
      ...row.details.counts.lost.events,
      ...row.details.counts.lost.unrelayed.map((text) => `never relayed: ${text}`),
      ...row.details.counts.lost.phantom.map((text) => `phantom: ${text}`),
      ...row.details.counts.duplicated.reservations.map((text) => `double reservation: ${text}`),
      ...row.details.counts.duplicated.charges.map((text) => `double charge: ${text}`),
      ...row.details.counts.duplicated.eventsAppliedTwice,
      ...row.details.staleReads.map((text) => `stale read: ${text}`),
      ...row.details.violations,
    ]
    if (listed.length === 0) return []
    return [
      `### ${row.scenario} on ${row.transport}, seed ${row.seed} (replay: \`${row.replay}\`)`,
      '',
      ...listed.slice(0, 30).map((text) => `- ${text}`),
      ...(listed.length > 30 ? [`- … ${listed.length - 30} more in faults.json`] : []),
      '',
    ]
  })
  return [
    `# Fault suite, ${started}`,
    '',
    ...rows
      .map((row) => `- **${row.scenario}**: ${row.title}`)
      .filter((line, index, all) => all.indexOf(line) === index),
    '',
    header,
    '|' + ' --- |'.repeat(14),
    ...lines,
    '',
    '## How each column is counted',
    '',
    COUNTING_METHOD,
    '',
    '## Charts',
    '',
    ...rows.map((row) => `![${row.scenario} ${row.transport}](${chartName(row)})`),
    '',
    '## Findings',
    '',
    ...(findings.length === 0 ? ['None: no loss, no duplicated effect, no stale read, no violation.'] : findings),
    '',
    '## Faults as applied',
    '',
    ...rows.flatMap((row) => [
      `### ${row.scenario} on ${row.transport}, seed ${row.seed}`,
      '',
      '```',
      ...row.details.faults,
      '```',
      '',
    ]),
  ].join('\n')
}

const chartName = (row: FaultRow) => `${row.scenario}-${row.transport}-${row.seed}.svg`

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** Error rate (share of call attempts without an answer below 500) and consumer lag per second; faults shaded. */
export function chartOf(row: FaultRow): string {
  const width = 720
  const height = 260
  const left = 50
  const right = 50
  const top = 30
  const bottom = 30
  const plotWidth = width - left - right
  const plotHeight = height - top - bottom
  const points = row.timeline
  const spanMs = Math.max(1000, (points.at(-1)?.atMs ?? 0) + 1000)
  const x = (ms: number) => left + (ms / spanMs) * plotWidth
  const maxLag = Math.max(1, ...points.map((point) => point.lagEvents ?? 0))
  const rate = (point: (typeof points)[number]) => (point.attempts === 0 ? null : point.failures / point.attempts)
  const path = (value: (point: (typeof points)[number]) => number | null, scale: number) => {
    let d = ''
    let pen = false
    for (const point of points) {
      const v = value(point)
      if (v === null) {
        pen = false
        continue
      }
      const y = top + plotHeight - (v / scale) * plotHeight
      d += `${pen ? 'L' : 'M'}${x(point.atMs + 500).toFixed(1)},${y.toFixed(1)} `
      pen = true
    }
    return d.trim()
  }
  const shades = row.windows
    .map(
      (window) =>
        `<rect x="${x(window.fromMs).toFixed(1)}" y="${top}" ` +
        `width="${Math.max(1, x(window.toMs) - x(window.fromMs)).toFixed(1)}" ` +
        `height="${plotHeight}" fill="#f4c7c3" opacity="0.5"><title>${escape(window.what)}</title></rect>`,
    )
    .join('\n  ')
  const title = `${row.scenario} ${row.transport} seed ${row.seed}`
  const legend =
    '<tspan fill="#c0392b">error rate</tspan> (left, 0–100 %), ' +
    `<tspan fill="#2471a3">consumer lag</tspan> (right, 0–${maxLag} events); faults shaded`
  const ticks = Array.from({ length: Math.floor(spanMs / 10_000) + 1 }, (_, index) => index * 10_000)
    .map(
      (ms) =>
        `<text x="${x(ms).toFixed(1)}" y="${height - 10}" font-size="10" text-anchor="middle">${ms / 1000} s</text>`,
    )
    .join('\n  ')
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
  <title>${escape(title)}</title>
  <rect width="${width}" height="${height}" fill="white"/>
  <text x="${left}" y="18" font-size="12">${escape(title)}: ${legend}</text>
  ${shades}
  <line x1="${left}" y1="${top + plotHeight}" x2="${left + plotWidth}" y2="${top + plotHeight}" stroke="#888"/>
  <line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotHeight}" stroke="#888"/>
  <line x1="${left + plotWidth}" y1="${top}" x2="${left + plotWidth}" y2="${top + plotHeight}" stroke="#888"/>
  <text x="${left - 5}" y="${top + 4}" font-size="10" text-anchor="end">100 %</text>
  <text x="${left - 5}" y="${top + plotHeight}" font-size="10" text-anchor="end">0</text>
  <text x="${left + plotWidth + 5}" y="${top + 4}" font-size="10">${maxLag}</text>
  <text x="${left + plotWidth + 5}" y="${top + plotHeight}" font-size="10">0</text>
  ${ticks}
  <path d="${path((point) => point.lagEvents, maxLag)}" fill="none" stroke="#2471a3" stroke-width="1.5"/>
  <path d="${path(rate, 1)}" fill="none" stroke="#c0392b" stroke-width="1.5"/>
</svg>
`
}

/** Writes faults.md, faults.json and one chart per row under `dir`; returns the Markdown's path. */
export async function writeFaultReport(dir: string, rows: readonly FaultRow[], started: string): Promise<string> {
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, 'faults.json'), `${JSON.stringify({ started, rows }, null, 2)}\n`)
  for (const row of rows) await writeFile(join(dir, chartName(row)), chartOf(row))
  const markdown = join(dir, 'faults.md')
  await writeFile(markdown, markdownOf(rows, started))
  return markdown
}

/** The table as a terminal prints it. */
export function tableOf(rows: readonly FaultRow[]): string {
  const head = [
    'scenario',
    'transport',
    'seed',
    'att',
    'ack',
    'conf',
    'rej',
    'canc',
    'lostO',
    'lostE',
    'dup',
    'stale',
    'viol',
    'converged',
  ]
  const body = rows.map((row) => [
    row.scenario,
    row.transport,
    String(row.seed),
    String(row.attempted),
    String(row.acknowledged),
    String(row.confirmed),
    String(row.rejected),
    String(row.cancelled),
    String(row.lostOrders),
    String(row.lostEvents),
    String(row.duplicatedEffects),
    String(row.staleReads),
    String(row.violations),
    seconds(row.convergenceMs),
  ])
  const widths = head.map((_, column) => Math.max(...[head, ...body].map((cells) => cells[column]!.length)))
  return [head, ...body]
    .map((cells) => cells.map((cell, column) => cell.padStart(widths[column]!)).join('  '))
    .join('\n')
}
