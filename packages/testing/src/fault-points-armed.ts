// Loaded into a process under test only, before its entry (`--import`, see `faultPointEnvironment`): arms the
// fault points named in SEAMS_FAULT_KILL_AT so that passing one kills the process on the spot, as a crash would.
// With SEAMS_FAULT_KILL_AFTER=N the first N passes of those points are let through: a seeded N lands the kill at a
// different moment of the same protocol step (the fifth relayed batch rather than the first).
import { armFaultPoints, type FaultPointName } from '@seams/core'

const killAt = new Set(
  (process.env['SEAMS_FAULT_KILL_AT'] ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== ''),
)
let spared = Number(process.env['SEAMS_FAULT_KILL_AFTER'] ?? '0') || 0

if (killAt.size > 0) {
  armFaultPoints((name: FaultPointName) => {
    if (!killAt.has(name)) return
    if (spared > 0) {
      spared -= 1
      return
    }
    // Synchronous, so that the line is out before the process is gone.
    process.stderr.write(`${JSON.stringify({ level: 40, faultPoint: name, msg: 'fault injection: SIGKILL' })}\n`)
    process.kill(process.pid, 'SIGKILL')
  })
}
