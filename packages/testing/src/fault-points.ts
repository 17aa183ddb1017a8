import { fileURLToPath } from 'node:url'
import type { FaultPointName } from '@seams/core'

const armingModule = fileURLToPath(new URL('./fault-points-armed.ts', import.meta.url))

export interface FaultInjection {
  /** Fault points at which the process kills itself (SIGKILL), e.g. `saga.step-done:checkout:reserve-stock`. */
  killAt: readonly FaultPointName[]
  /**
   * Passes of those points let through before the kill, e.g. 4 kills at the fifth.
   * @default 0
   */
  afterPasses?: number
}

/**
 * The environment that arms fault points in a service process started by a test: `NODE_OPTIONS` loads the
 * arming module (after tsx, which the process loads anyway) before the service's entry. A service's
 * configuration knows nothing of it, so no production setting can crash a process on purpose.
 */
export function faultPointEnvironment(injection: FaultInjection): Record<string, string> {
  const imports = ['tsx', armingModule].map((module) => `--import ${JSON.stringify(module)}`).join(' ')
  return {
    NODE_OPTIONS: [process.env['NODE_OPTIONS'], imports].filter(Boolean).join(' '),
    SEAMS_FAULT_KILL_AT: injection.killAt.join(','),
    SEAMS_FAULT_KILL_AFTER: String(injection.afterPasses ?? 0),
  }
}
