// Loaded into a process under test only, before its entry (`--import`, see `faultPointEnvironment`): arms the
// fault points named in SEAMS_FAULT_KILL_AT so that passing one kills the process on the spot, as a crash would.
import { armFaultPoints, type FaultPointName } from '@seams/core'

const killAt = new Set(
  (process.env['SEAMS_FAULT_KILL_AT'] ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== ''),
)

if (killAt.size > 0) {
  armFaultPoints((name: FaultPointName) => {
    if (!killAt.has(name)) return
    // Synchronous, so that the line is out before the process is gone.
    process.stderr.write(`${JSON.stringify({ level: 40, faultPoint: name, msg: 'fault injection: SIGKILL' })}\n`)
    process.kill(process.pid, 'SIGKILL')
  })
}
