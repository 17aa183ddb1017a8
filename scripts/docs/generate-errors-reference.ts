import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { errorsReferencePath, renderErrorsReference } from './errors-reference.ts'

// `npm run docs:errors`: rewrites docs/errors.md from the code.
const target = resolve(fileURLToPath(new URL('../..', import.meta.url)), errorsReferencePath)
mkdirSync(dirname(target), { recursive: true })
writeFileSync(target, renderErrorsReference())
console.log(`wrote ${errorsReferencePath}`)
