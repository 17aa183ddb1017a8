import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const root = fileURLToPath(new URL('..', import.meta.url))
const fixture = fileURLToPath(new URL('./fixtures/boundaries', import.meta.url))
const depcruise = `${root}node_modules/.bin/depcruise`

async function cruise(cwd: string, ...targets: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await run(depcruise, ['--config', `${root}.dependency-cruiser.cjs`, ...targets], { cwd })
    return { code: 0, output: stdout }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, output: failed.stdout + failed.stderr }
  }
}

// The rules `npm test` runs over the repository (npm run lint:boundaries), proven here to catch a
// service reaching into another's internals, or into a toolkit package's plumbing.
describe('ownership boundaries', () => {
  it("fail a service that imports another service's internals, and accept its contracts", async () => {
    const result = await cruise(fixture, 'services')
    expect(result.code).not.toBe(0)
    expect(result.output).toContain(
      'no-other-service-internals: services/shop-a/src/violation.ts → services/shop-b/src/internals.ts',
    )
    expect(result.output).not.toContain('allowed.ts')
  })

  it("fail a service or an app that imports a toolkit package's internals, and accept its public API", async () => {
    const result = await cruise(fixture, 'services', 'apps', 'packages')
    expect(result.code).not.toBe(0)
    expect(result.output).toContain(
      'no-toolkit-internals: services/shop-a/src/uses-toolkit-internals.ts → packages/kit/src/internal.ts',
    )
    expect(result.output).toContain(
      'no-toolkit-internals: apps/tool/src/uses-toolkit-internals.ts → packages/kit/src/internal.ts',
    )
    // The toolkit's own wiring may use the plumbing.
    expect(result.output).not.toContain('wiring.ts')
    expect(result.output).not.toContain('uses-toolkit.ts')
  })
})
