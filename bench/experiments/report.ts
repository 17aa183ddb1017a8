import { machine, table } from '../support/report.ts'
import type { ExperimentResult } from './experiment.ts'

/** The experiments' Markdown report: per experiment the seed's claim, both topologies' figures, the verdict. */
export function renderReport(results: readonly ExperimentResult[], command: string, startedAt: Date): string {
  const sections = results.map((result) =>
    [
      `## ${result.id} ${result.title}`,
      '',
      `**Seed 002 claims:** ${result.claim}`,
      '',
      table(
        ['figure', 'owned (a database per service)', 'shared (one database)'],
        result.figures.map((figure) => [
          figure.note === undefined ? figure.name : `${figure.name} (${figure.note})`,
          String(figure.owned),
          String(figure.shared),
        ]),
      ),
      '',
      `**Verdict:** ${result.verdict}`,
      '',
      ...result.notes.map((note) => `- ${note}`),
      '',
      ...Object.keys(result.charts).map((name) => `![${name}](${name}.svg)`),
    ].join('\n'),
  )
  return [
    '# One database or one per service? Measured',
    '',
    `\`${command}\`, started ${startedAt.toISOString()} on ${machine()}.`,
    '',
    table(
      ['experiment', 'verdict'],
      results.map((result) => [`${result.id} ${result.title}`, result.verdict]),
    ),
    '',
    ...sections,
  ].join('\n')
}

/** What the console shows of one experiment as soon as it ends. */
export function renderSummary(result: ExperimentResult): string {
  return [
    `\n${result.id} ${result.title}`,
    `  claim:   ${result.claim}`,
    ...result.figures.map((figure) => `  ${figure.name}: owned ${figure.owned}, shared ${figure.shared}`),
    `  verdict: ${result.verdict}`,
  ].join('\n')
}

const begin = '<!-- experiments: begin (npm run experiments -- --readme writes this table) -->'
const end = '<!-- experiments: end -->'

/** The README's summary: one row per experiment, its headline figure on each topology, and the verdict. */
export function summaryTable(results: readonly ExperimentResult[], command: string, startedAt: Date): string {
  return [
    `\`${command}\`, ${startedAt.toISOString().slice(0, 10)}, ${machine()}:`,
    '',
    table(
      ['experiment', 'figure', 'owned', 'shared', 'verdict'],
      results.map((result) => {
        const headline = result.figures.find((figure) => figure.note !== undefined) ?? result.figures[0]!
        return [
          `${result.id} ${result.title}`,
          headline.name,
          String(headline.owned),
          String(headline.shared),
          result.verdict,
        ]
      }),
    ),
  ].join('\n')
}

/** `readme` with its experiments summary made anew. */
export function withSummaryTable(readme: string, summary: string): string {
  const from = readme.indexOf(begin)
  const to = readme.indexOf(end)
  if (from < 0 || to < from) throw new Error(`the README has no ${begin} ... ${end} section`)
  return `${readme.slice(0, from + begin.length)}\n${summary}\n${readme.slice(to)}`
}
