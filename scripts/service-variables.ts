import { readFile, writeFile } from 'node:fs/promises'
import { withServiceVariablesTable } from '../apps/launcher/src/service-variables.ts'

// npm run docs:service-variables: rewrites README.md's table of the variables `npm start` hands to each
// service (SEAMS_<SERVICE>_<VARIABLE>), from the services' configuration schemas.
const readme = new URL('../README.md', import.meta.url)
await writeFile(readme, withServiceVariablesTable(await readFile(readme, 'utf8')))
