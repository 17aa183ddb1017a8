import { fileURLToPath } from 'node:url'

const skewModule = fileURLToPath(new URL('./clock-skew-armed.ts', import.meta.url))

/**
 * The environment that sets a service process's wall clock `offsetMs` off the machine's (negative: behind), for
 * clock-skew tests: `NODE_OPTIONS` loads the skewing module before the service's entry. Add it after
 * `faultPointEnvironment`'s, or merge their `NODE_OPTIONS`, to use both.
 */
export function clockSkewEnvironment(offsetMs: number): Record<string, string> {
  const imports = ['tsx', skewModule].map((module) => `--import ${JSON.stringify(module)}`).join(' ')
  return {
    NODE_OPTIONS: [process.env['NODE_OPTIONS'], imports].filter(Boolean).join(' '),
    SEAMS_CLOCK_OFFSET_MS: String(offsetMs),
  }
}
