import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { LaunchRefused } from './production-mode.ts'
import { serviceVariablesFrom, tunableVariablesOf, withServiceVariablesTable } from './service-variables.ts'

const launcherOwn = new Set(['SEAMS_GATEWAY_PORT', 'SEAMS_PG_URL'])

describe("npm start's per-service variables", () => {
  it('hands SEAMS_<SERVICE>_<VARIABLE> to that service as <VARIABLE>', () => {
    expect(
      serviceVariablesFrom(
        {
          SEAMS_GATEWAY_RATE_LIMIT_USER_MAX: '100',
          SEAMS_ORDER_HISTORY_LOG_LEVEL: 'debug',
          SEAMS_ORDERS_SAGA_CONCURRENCY: '8',
          SEAMS_GATEWAY_PORT: '9000',
          SEAMS_PG_URL: 'postgres://x',
          PATH: '/bin',
        },
        launcherOwn,
      ),
    ).toEqual({
      gateway: { RATE_LIMIT_USER_MAX: '100' },
      'order-history': { LOG_LEVEL: 'debug' },
      orders: { SAGA_CONCURRENCY: '8' },
    })
  })

  it('refuses a variable the service does not have, or one the launcher wires itself, naming each', () => {
    const refused = (() => {
      try {
        serviceVariablesFrom(
          { SEAMS_GATEWAY_RATE_LIMIT_USR_MAX: '100', SEAMS_ORDERS_DATABASE_URL: 'postgres://elsewhere' },
          launcherOwn,
        )
      } catch (error) {
        return error
      }
    })()
    expect(refused).toBeInstanceOf(LaunchRefused)
    expect((refused as LaunchRefused).problems).toEqual([
      expect.stringMatching(
        /^SEAMS_GATEWAY_RATE_LIMIT_USR_MAX: gateway has no variable RATE_LIMIT_USR_MAX .*RATE_LIMIT_USER_MAX/,
      ),
      expect.stringMatching(/^SEAMS_ORDERS_DATABASE_URL: orders has no variable DATABASE_URL to set/),
    ])
  })

  it('leaves the wiring to the launcher: ports, databases, keys, peers and the transport', () => {
    for (const wired of ['PORT', 'DATABASE_URL', 'SERVICE_PRIVATE_KEY', 'EVENT_TRANSPORT', 'CATALOG_URL'])
      expect(tunableVariablesOf('orders')).not.toContain(wired)
    expect(tunableVariablesOf('orders')).toEqual(expect.arrayContaining(['LOG_LEVEL', 'SAGA_STEP_TIMEOUT_MS']))
  })

  it('are listed in the README as the services declare them (npm run docs:service-variables)', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8')
    expect(withServiceVariablesTable(readme)).toBe(readme)
  })
})
