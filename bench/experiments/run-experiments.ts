import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { benchPostgres } from '../support/postgres.ts'
import { schemaChange } from './e1-schema-change.ts'
import { independentDeployment } from './e2-locking-migration.ts'
import { failureDomain } from './e3-failure-domain.ts'
import { noisyNeighbour } from './e4-noisy-neighbour.ts'
import { boundaryViolations } from './e5-boundary-violations.ts'
import { cost } from './e6-cost.ts'
import type { Experiment, ExperimentResult } from './experiment.ts'
import { renderReport, renderSummary, summaryTable, withSummaryTable } from './report.ts'

// npm run experiments: seed 002's argument measured, each experiment on both topologies one after the other
// (the shop, a database per service; and the seed's starting point, one shared database) on this machine.
const experiments: readonly Experiment[] = [
  schemaChange,
  independentDeployment,
  failureDomain,
  noisyNeighbour,
  boundaryViolations,
  cost,
]

const { values } = parseArgs({
  options: {
    only: { type: 'string', description: 'Comma-separated experiment ids, e.g. E5,E6' },
    quick: { type: 'boolean', default: false },
    // Rewrites the README's summary table with this run's figures.
    readme: { type: 'boolean', default: false },
    seed: { type: 'string', default: '2' },
    'pg-url': { type: 'string', description: 'Administrator URL of a PostgreSQL; embedded when unset' },
  },
})
const only = values.only?.split(',').map((id) => id.trim().toUpperCase())
const selected = experiments.filter((experiment) => only === undefined || only.includes(experiment.id))
if (selected.length === 0)
  throw new Error(`--only names none of ${experiments.map((experiment) => experiment.id).join(', ')}`)

const startedAt = new Date()
const folder = join('bench', 'results', startedAt.toISOString().replace(/[:.]/g, '-'), 'experiments')
const pg = await benchPostgres(values['pg-url'], 15451)
const results: ExperimentResult[] = []
try {
  for (const experiment of selected) {
    const result = await experiment.run({
      adminPgUrl: pg.adminUrl,
      quick: values.quick,
      seed: Number(values.seed),
      log: (line) => console.log(line),
    })
    console.log(renderSummary(result))
    results.push(result)
  }
} finally {
  await pg.close()
}

const command = [
  'npm run experiments --',
  ...(values.quick ? ['--quick'] : []),
  ...(values.only === undefined ? [] : ['--only', values.only]),
].join(' ')
mkdirSync(folder, { recursive: true })
writeFileSync(join(folder, 'experiments.json'), `${JSON.stringify({ command, startedAt, results }, null, 2)}\n`)
writeFileSync(join(folder, 'experiments.md'), `${renderReport(results, command, startedAt)}\n`)
for (const result of results)
  for (const [name, svg] of Object.entries(result.charts)) writeFileSync(join(folder, `${name}.svg`), svg)
console.log(`\nReport: ${join(folder, 'experiments.md')}`)
if (values.readme) {
  writeFileSync(
    'README.md',
    withSummaryTable(readFileSync('README.md', 'utf8'), summaryTable(results, command, startedAt)),
  )
  console.log('README.md: summary table rewritten')
}
