import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { clockSkewEnvironment } from './clock-skew.ts'

const run = promisify(execFile)

describe('clockSkewEnvironment', () => {
  it("sets a child process's wall clock off by the offset, for Date.now and new Date alike", async () => {
    const before = Date.now()
    const { stdout } = await run(
      process.execPath,
      ['-e', 'console.log(JSON.stringify([Date.now(), new Date().getTime(), new Date(0).getTime()]))'],
      { env: { ...process.env, ...clockSkewEnvironment(-300_000) } },
    )
    const after = Date.now()
    const [now, constructed, epoch] = JSON.parse(stdout) as number[]
    for (const reading of [now!, constructed!]) {
      expect(reading).toBeGreaterThanOrEqual(before - 300_000)
      expect(reading).toBeLessThanOrEqual(after - 300_000)
    }
    // A date built from a value is that value: only the present is off.
    expect(epoch).toBe(0)
  })
})
