import { spawnSync } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { allDocuments } from './documents.ts'

// `npm run lint:openapi`: renders every OpenAPI document the shop serves without starting anything
// (service-documents.ts), writes them to .openapi/ (git-ignored), and lints them with Redocly's recommended
// rules (redocly.yaml) and Spectral's OpenAPI and OWASP rules (.spectral.mjs). Any error fails.
const root = resolve(fileURLToPath(new URL('../..', import.meta.url)))
const folder = join(root, '.openapi')
rmSync(folder, { recursive: true, force: true })
mkdirSync(folder, { recursive: true })

const files: string[] = []
for (const [name, document] of Object.entries(await allDocuments())) {
  const file = join('.openapi', `${name}.openapi.json`)
  writeFileSync(join(root, file), `${JSON.stringify(document, null, 2)}\n`)
  files.push(file)
}

// Neither tool may reach the network: no telemetry, no update check.
const env = {
  ...process.env,
  REDOCLY_TELEMETRY: 'off',
  REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
  NO_UPDATE_NOTIFIER: '1',
}
const run = (tool: string, args: string[]) =>
  spawnSync(join(root, 'node_modules', '.bin', tool), args, { cwd: root, env, stdio: 'inherit' }).status === 0

const redocly = run('redocly', ['lint', '--config', 'redocly.yaml', '--format', 'summary', ...files])
const spectral = run('spectral', ['lint', '--ruleset', '.spectral.mjs', '--fail-severity', 'error', ...files])
if (!redocly || !spectral) {
  console.error(`OpenAPI lint failed (${[!redocly && 'redocly', !spectral && 'spectral'].filter(Boolean).join(', ')})`)
  process.exit(1)
}
console.log(`OpenAPI lint passed: ${files.join(', ')}`)
