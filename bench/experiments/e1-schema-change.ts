import { execFile } from 'node:child_process'
import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { promisify } from 'node:util'
import type { Topology } from '@shop/launcher'
import postgres from 'postgres'
import { lineChart } from '../load/charts.ts'
import type { LoadResult } from '../load/open-loop.ts'
import { failuresByService, underLoad } from './bench-shop.ts'
import type { Experiment, ExperimentContext, ExperimentResult } from './experiment.ts'

const run = promisify(execFile)

/**
 * Users' change, as users' team writes it: `name` becomes given and family names. It is the same statement
 * in both topologies; what differs is whose code reads the column it drops.
 */
export const splitNameMigration = `
  alter table users add column given_name text, add column family_name text;
  update users set given_name = split_part(name, ' ', 1),
    family_name = substr(name, length(split_part(name, ' ', 1)) + 2);
  alter table users drop column name`

// Code that reads users' table in SQL (a from, join, update or insert naming it) and, in some template
// literal, its name column: bare (`id, email, name`) or through the alias the joins give it (`u.name`).
const readsUsersTable = /\b(from|join|update|into)\s+users\b/i
const readsName = /(?<![\w.])name\b|\bu\.name\b/
const templatesOf = (text: string) => text.split('`').filter((_, index) => index % 2 === 1)

async function sourceFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true, recursive: true })
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.includes('.spec.'))
    .map((entry) => join(entry.parentPath, entry.name))
}

/** The files whose SQL reads users' table and its name, in what each topology runs, by the service they serve. */
export async function filesReadingUserNames(topology: Topology): Promise<{ file: string; service: string }[]> {
  // What each topology's processes run: the variant also runs users' own store (its dal re-exports it).
  const roots =
    topology === 'shared'
      ? ['variants/shared-database/src', 'services/users/src']
      : ['users', 'catalog', 'orders', 'payments', 'order-history'].map((service) => `services/${service}/src`)
  const found: { file: string; service: string }[] = []
  for (const root of roots) {
    for (const file of await sourceFiles(root)) {
      const text = await readFile(file, 'utf8')
      if (!readsUsersTable.test(text) || !templatesOf(text).some((template) => readsName.test(template))) continue
      const path = relative('.', file)
      // A file of the shared data access layer is named after the process that runs its queries.
      const service =
        /variants\/shared-database\/src\/dal\/([\w-]+)\.ts$/.exec(path)?.[1] ??
        /(?:services|variants\/shared-database\/src)\/([\w-]+)\//.exec(path)?.[1] ??
        path
      found.push({ file: path, service })
    }
  }
  return found
}

/** The registry's compatibility check of every event contract (`npm run contracts -- check`). */
async function contractCheck(): Promise<string> {
  try {
    const { stdout } = await run('node', ['--import', 'tsx', 'apps/contract-registry/src/cli.ts', 'check'])
    return stdout.trim().split('\n').at(-1) ?? 'no answer'
  } catch (error) {
    return `failed: ${((error as { stderr?: string }).stderr ?? '').trim().split('\n')[0]}`
  }
}

async function rollOut(
  context: ExperimentContext,
  topology: Topology,
  load: { users: number; rate: number; durationMs: number },
): Promise<{ result: LoadResult; migratedAtSecond: number }> {
  // Users' own login: in the owned topology its database, in the shared one everyone's.
  const { result, actionFrom } = await underLoad(context, topology, load, async (shop) => {
    const sql = postgres(shop.test.shop.databaseUrls.users, { max: 1, onnotice: () => {} })
    try {
      await sql.unsafe(splitNameMigration)
    } finally {
      await sql.end({ timeout: 5 })
    }
  })
  return { result, migratedAtSecond: actionFrom }
}

const describeFailures = (byService: Record<string, number>) =>
  Object.keys(byService).length === 0
    ? 'none'
    : Object.entries(byService)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([service, count]) => `${service} ${count}`)
        .join(', ')

export const schemaChange: Experiment = {
  id: 'E1',
  async run(context): Promise<ExperimentResult> {
    const load = context.quick
      ? { users: 40, rate: 40, durationMs: 6000 }
      : { users: 300, rate: 150, durationMs: 30_000 }
    context.log(`E1: users' name split while ${load.rate} requests/s run, for ${load.durationMs / 1000} s`)
    const [ownedFiles, sharedFiles, contracts] = await Promise.all([
      filesReadingUserNames('owned'),
      filesReadingUserNames('shared'),
      contractCheck(),
    ])
    const owned = await rollOut(context, 'owned', load)
    const shared = await rollOut(context, 'shared', load)
    const ownedFailures = failuresByService(owned.result.errors)
    const sharedFailures = failuresByService(shared.result.errors)
    const services = (files: { service: string }[]) => [...new Set(files.map((file) => file.service))].sort()
    const failed = (byService: Record<string, number>) => Object.values(byService).reduce((sum, n) => sum + n, 0)
    return {
      id: 'E1',
      title: 'Schema change',
      claim: 'Schema changes require coordination across teams; tight coupling limits independent deployment.',
      figures: [
        {
          name: "files whose SQL reads users' name",
          owned: ownedFiles.length,
          shared: sharedFiles.length,
          note: 'each must change with the migration',
        },
        {
          name: 'services those files serve',
          owned: services(ownedFiles).join(', '),
          shared: services(sharedFiles).join(', '),
        },
        {
          name: 'failed requests after the migration, old code running',
          owned: failed(ownedFailures),
          shared: failed(sharedFailures),
          note: 'fewer is better',
        },
        { name: '  by service', owned: describeFailures(ownedFailures), shared: describeFailures(sharedFailures) },
        {
          name: 'contract check (npm run contracts -- check)',
          owned: contracts,
          shared: `${contracts}, but blind: the dependency is in SQL`,
        },
      ],
      verdict:
        failed(sharedFailures) > failed(ownedFailures)
          ? `The claim holds: the same migration broke ${describeFailures(sharedFailures)} on the shared database ` +
            `and ${describeFailures(ownedFailures)} with a database per service.`
          : `Not shown this run: failures were ${describeFailures(sharedFailures)} shared, ` +
            `${describeFailures(ownedFailures)} owned.`,
      notes: [
        `The migration (add given_name and family_name, backfill, drop name) ran ${owned.migratedAtSecond} s into ` +
          "a run of the benchmark's mix, with users' login; no service was redeployed, as happens while the " +
          "teams' releases are still on their way.",
        'In the owned topology users ships its migration with its own code and keeps `name` in its contract (the ' +
          'event carries it, composed); nobody else reads the column.',
        "In the shared topology the gateway asks users whether a token's account is still open (no events to " +
          'follow), so a failing users shows up on every endpoint whose token is due for that check.',
        ...sharedFiles.map((file) => `shared: ${file.file}`),
        ...ownedFiles.map((file) => `owned: ${file.file}`),
      ],
      charts: {
        'e1-errors': lineChart('E1: failed requests per second, migration at the marked second', 's', 'failed', [
          { name: 'owned', points: owned.result.timeline.map((second) => [second.second, second.errors] as const) },
          { name: 'shared', points: shared.result.timeline.map((second) => [second.second, second.errors] as const) },
        ]),
      },
      raw: {
        owned: { files: ownedFiles, errors: owned.result.errors, timeline: owned.result.timeline },
        shared: { files: sharedFiles, errors: shared.result.errors, timeline: shared.result.timeline },
      },
    }
  },
}
