import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildRegistry, checkContracts, findUnknownSubscriptions } from '@seams/schema-registry'
import { baselineDirOf, consumers, producers, readBaseline } from './shop-contracts.ts'

const command = process.argv[2] ?? 'list'

function list(): void {
  const rows = buildRegistry(producers, consumers())
  const width = Math.max(...rows.map((row) => row.schemaId.length))
  console.log(`${'SCHEMA'.padEnd(width)}  PRODUCER  CONSUMERS`)
  for (const row of rows)
    console.log(`${row.schemaId.padEnd(width)}  ${row.producer.padEnd(8)}  ${row.consumers.join(', ') || '-'}`)
}

function check(): number {
  let failed = 0
  for (const producer of producers) {
    const result = checkContracts(producer, (id) => readBaseline(producer.producer, id))
    for (const problem of result.problems) console.error(`BREAKING  ${problem}`)
    for (const contract of result.unrecorded)
      console.error(
        `UNRECORDED  ${contract.type}.v${contract.version}: run \`npm run contracts -- record\` to publish it`,
      )
    failed += result.problems.length + result.unrecorded.length
  }
  for (const problem of findUnknownSubscriptions(producers, consumers())) console.error(`UNKNOWN  ${problem}`)
  failed += findUnknownSubscriptions(producers, consumers()).length
  console.log(failed === 0 ? 'All event contracts are recorded and compatible.' : `${failed} problem(s).`)
  return failed === 0 ? 0 : 1
}

// Publishing a version is deliberate: only versions never recorded are written; recorded ones never change.
function record(): void {
  for (const producer of producers) {
    for (const contract of checkContracts(producer, (id) => readBaseline(producer.producer, id)).unrecorded) {
      const dir = baselineDirOf(producer.producer)
      mkdirSync(dir, { recursive: true })
      const file = join(dir, `${contract.type}.v${contract.version}.json`)
      writeFileSync(file, `${JSON.stringify(contract.schema, null, 2)}\n`)
      console.log(`recorded ${file}`)
    }
  }
}

if (command === 'list') list()
else if (command === 'check') process.exitCode = check()
else if (command === 'record') record()
else {
  console.error('usage: npm run contracts -- list | check | record')
  process.exitCode = 2
}
