import { join } from 'node:path'
import { secretsFileOf, type DataFolder } from './data-folder.ts'

/** What `npm start` was asked for, as far as production mode is concerned. */
export interface LaunchSettings {
  /** Unset is the demo shop, unless NODE_ENV says otherwise. */
  SEAMS_PRODUCTION?: boolean | undefined
  SEAMS_DEMO_DATA?: boolean | undefined
  NODE_ENV?: string | undefined
  SEAMS_PG_URL?: string | undefined
  REDIS_URL?: string | undefined
}

export interface LaunchMode {
  production: boolean
  demoData: boolean
}

/** Start-up refused: every reason at once, so one attempt tells the operator all there is to fix. */
export class LaunchRefused extends Error {
  readonly problems: readonly string[]
  constructor(problems: readonly string[]) {
    super(`Not starting:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`)
    this.name = 'LaunchRefused'
    this.problems = problems
  }
}

const hasPassword = (url: string) => {
  try {
    return new URL(url).password !== ''
  } catch {
    return false
  }
}

/**
 * Production mode (`SEAMS_PRODUCTION=true`) generates every secret it can and keeps it in the data folder,
 * and requires the ones it cannot make: the passwords of servers it does not run. It makes no demo data
 * (the demo customers' password is published) and never reuses a demo shop's data folder, whose logins and
 * PostgreSQL password are known. Returns the mode, or throws {@link LaunchRefused} naming every problem.
 */
export function launchModeOf(settings: LaunchSettings, folder: DataFolder): LaunchMode {
  const production = settings.SEAMS_PRODUCTION === true
  const problems = production ? productionProblems(settings, folder) : demoProblems(settings, folder)
  if (problems.length > 0) throw new LaunchRefused(problems)
  return { production, demoData: settings.SEAMS_DEMO_DATA ?? !production }
}

function productionProblems(settings: LaunchSettings, folder: DataFolder): string[] {
  const problems: string[] = []
  if (settings.SEAMS_DEMO_DATA === true)
    problems.push("SEAMS_DEMO_DATA=true: the demo customers' password is published; production mode loads no demo data")
  if (settings.SEAMS_PG_URL !== undefined && !hasPassword(settings.SEAMS_PG_URL)) {
    problems.push(
      "SEAMS_PG_URL has no password: production mode needs the administrator's credentials in it " +
        '(postgres://user:password@host:5432/postgres), not a server that trusts whoever connects',
    )
  }
  if (settings.REDIS_URL !== undefined && !hasPassword(settings.REDIS_URL)) {
    problems.push(
      'REDIS_URL has no password: production mode needs one in it ' +
        '(redis://:password@host:6379, or rediss://user:password@host:6380)',
    )
  }
  const secretsFile = secretsFileOf(folder.path)
  if (folder.secrets !== undefined && folder.secrets.contents.production !== true) {
    problems.push(
      `${folder.path} holds a shop made outside production mode (demo logins, a known PostgreSQL password): ` +
        'give production mode a new SEAMS_DATA_DIR',
    )
  } else if (folder.secrets !== undefined && (folder.secrets.mode & 0o077) !== 0) {
    problems.push(
      `${secretsFile} can be read by other users (mode ${(folder.secrets.mode & 0o777).toString(8)}): chmod 600 it`,
    )
  }
  if (settings.SEAMS_PG_URL === undefined && folder.hasCluster && folder.secrets === undefined) {
    problems.push(
      `${join(folder.path, 'pg')} holds a PostgreSQL cluster, ` +
        `but ${secretsFile}, which has its superuser's password, is missing`,
    )
  }
  return problems
}

function demoProblems(settings: LaunchSettings, folder: DataFolder): string[] {
  const problems: string[] = []
  // Someone who set NODE_ENV=production expects a production start; the demo shop is the opposite.
  if (settings.NODE_ENV === 'production' && settings.SEAMS_PRODUCTION === undefined)
    problems.push(
      'NODE_ENV=production: set SEAMS_PRODUCTION=true for production mode, or SEAMS_PRODUCTION=false for the demo shop',
    )
  if (folder.secrets?.contents.production === true)
    problems.push(`${folder.path} holds a shop made in production mode: start it with SEAMS_PRODUCTION=true`)
  return problems
}
