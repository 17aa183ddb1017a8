import { describe, expect, it } from 'vitest'
import type { DataFolder } from './data-folder.ts'
import { launchModeOf, LaunchRefused, type LaunchSettings } from './production-mode.ts'
import { generateProductionSecrets, generateSecrets } from './secrets.ts'

const fresh: DataFolder = { path: '/srv/seams', hasCluster: false }
const production: LaunchSettings = { SEAMS_PRODUCTION: true }

function problemsOf(settings: LaunchSettings, folder: DataFolder = fresh): readonly string[] {
  try {
    launchModeOf(settings, folder)
  } catch (error) {
    if (error instanceof LaunchRefused) return error.problems
    throw error
  }
  return []
}

describe('launch mode', () => {
  it('is the demo shop with demo data unless asked otherwise', () => {
    expect(launchModeOf({}, fresh)).toEqual({ production: false, demoData: true })
    expect(launchModeOf({ SEAMS_DEMO_DATA: false }, fresh)).toEqual({ production: false, demoData: false })
    expect(launchModeOf({ SEAMS_PRODUCTION: false, NODE_ENV: 'production' }, fresh)).toEqual({
      production: false,
      demoData: true,
    })
  })

  it('is production mode without demo data with SEAMS_PRODUCTION=true', () => {
    expect(launchModeOf(production, fresh)).toEqual({ production: true, demoData: false })
    expect(
      launchModeOf(
        { ...production, SEAMS_PG_URL: 'postgres://admin:pw@db:5432/postgres', REDIS_URL: 'redis://:pw@cache:6379' },
        fresh,
      ).production,
    ).toBe(true)
    expect(
      launchModeOf(production, {
        ...fresh,
        hasCluster: true,
        secrets: { contents: generateProductionSecrets(), mode: 0o600 },
      }).production,
    ).toBe(true)
  })

  it('does not guess from NODE_ENV=production alone, and says what to set', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([expect.stringContaining('SEAMS_PRODUCTION=true')])
  })

  it('refuses production mode without the passwords of the servers it does not run, naming each', () => {
    const problems = problemsOf({
      ...production,
      SEAMS_PG_URL: 'postgres://postgres@db:5432/postgres',
      REDIS_URL: 'redis://cache:6379',
    })
    expect(problems).toEqual([
      expect.stringMatching(/^SEAMS_PG_URL has no password/),
      expect.stringMatching(/^REDIS_URL has no password/),
    ])
  })

  it("refuses demo data, a demo shop's data folder and a secrets file others can read in production mode", () => {
    expect(problemsOf({ ...production, SEAMS_DEMO_DATA: true })).toEqual([
      expect.stringMatching(/^SEAMS_DEMO_DATA=true/),
    ])
    expect(
      problemsOf(production, { ...fresh, hasCluster: true, secrets: { contents: generateSecrets(), mode: 0o600 } }),
    ).toEqual([expect.stringContaining('made outside production mode')])
    expect(
      problemsOf(production, { ...fresh, secrets: { contents: generateProductionSecrets(), mode: 0o644 } }),
    ).toEqual([expect.stringContaining('mode 644')])
    expect(problemsOf(production, { ...fresh, hasCluster: true })).toEqual([
      expect.stringContaining("superuser's password, is missing"),
    ])
  })

  it('refuses to start a production data folder as the demo shop', () => {
    expect(problemsOf({}, { ...fresh, secrets: { contents: generateProductionSecrets(), mode: 0o600 } })).toEqual([
      expect.stringContaining('start it with SEAMS_PRODUCTION=true'),
    ])
  })
})

describe('production secrets', () => {
  it('are all generated: no demo password, a random PostgreSQL superuser password', () => {
    const [one, other] = [generateProductionSecrets(), generateProductionSecrets()]
    expect(one.demoPassword).toBeUndefined()
    expect(one.production).toBe(true)
    expect(one.postgresPassword).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{31}$/)
    expect(one.adminPassword).not.toBe(other.adminPassword)
    expect(one.postgresPassword).not.toBe(other.postgresPassword)
  })
})
