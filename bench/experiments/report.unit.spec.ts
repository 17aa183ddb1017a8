import { describe, expect, it } from 'vitest'
import type { ExperimentResult } from './experiment.ts'
import { renderReport, summaryTable, withSummaryTable } from './report.ts'

const result: ExperimentResult = {
  id: 'E9',
  title: 'Example',
  claim: 'The shared database is slower.',
  figures: [
    { name: 'requests', owned: 10, shared: 12 },
    { name: 'p99 (ms)', owned: 80, shared: 40, note: 'lower is better' },
  ],
  verdict: 'The shared database was faster here.',
  notes: ['measured twice'],
  charts: { 'e9-chart': '<svg/>' },
  raw: {},
}

describe('the experiments report', () => {
  it('gives each experiment its claim, both figures, the verdict and its charts', () => {
    const markdown = renderReport([result], 'npm run experiments --', new Date('2026-12-01T00:00:00Z'))
    expect(markdown).toContain('**Seed 002 claims:** The shared database is slower.')
    expect(markdown).toContain('| p99 (ms) (lower is better) | 80 | 40 |')
    expect(markdown).toContain('**Verdict:** The shared database was faster here.')
    expect(markdown).toContain('![e9-chart](e9-chart.svg)')
  })

  it("puts each experiment's headline figure in the README's table, between its markers only", () => {
    const readme = [
      'before',
      '<!-- experiments: begin (npm run experiments -- --readme writes this table) -->',
      'old table',
      '<!-- experiments: end -->',
      'after',
    ].join('\n')
    const updated = withSummaryTable(readme, summaryTable([result], 'npm run experiments --', new Date()))
    expect(updated).not.toContain('old table')
    expect(updated).toContain('| E9 Example | p99 (ms) | 80 | 40 | The shared database was faster here. |')
    expect(updated.startsWith('before\n')).toBe(true)
    expect(updated.endsWith('<!-- experiments: end -->\nafter')).toBe(true)
    expect(() => withSummaryTable('no markers', 'x')).toThrow(/no <!-- experiments: begin/)
  })
})
