import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Sql } from 'postgres'
import { MigrationChanged, MigrationFailed } from './errors.ts'

/** A folder of `NNN_description.sql` files owned by one component (the service, or a toolkit package). */
export interface MigrationSource {
  component: string
  directory: string
}

export interface MigrationsOptions {
  /** Applied in the order given; each folder in numeric order. Toolkit tables come before the service's own. */
  sources: readonly MigrationSource[]
  log?: (message: string) => void
}

interface Migration {
  component: string
  version: number
  name: string
  sql: string
  checksum: string
}

const fileName = /^(\d+)_([\w-]+)\.sql$/

async function readMigrations({ component, directory }: MigrationSource): Promise<Migration[]> {
  const files = (await readdir(directory)).filter((file) => file.endsWith('.sql')).sort()
  const migrations: Migration[] = []
  for (const file of files) {
    const match = fileName.exec(file)
    if (match === null) throw new MigrationFailed(`migration file ${file} is not named NNN_description.sql`)
    const text = await readFile(join(directory, file), 'utf8')
    migrations.push({
      component,
      version: Number(match[1]),
      name: file,
      sql: text,
      checksum: createHash('sha256').update(text).digest('hex'),
    })
  }
  const versions = migrations.map((migration) => migration.version)
  if (new Set(versions).size !== versions.length)
    throw new MigrationFailed(`two migrations of ${component} in ${directory} share a number`)
  return migrations
}

/**
 * Applies forward-only migrations, each in its own transaction, under a session advisory lock so that
 * replicas starting together apply each one exactly once. An applied file that was edited since is an
 * error: history is never rewritten, a new file is added instead.
 */
export async function runMigrations(sql: Sql, options: MigrationsOptions): Promise<number> {
  const migrations = (await Promise.all(options.sources.map(readMigrations))).flat()
  const connection = await sql.reserve()
  try {
    await connection`select pg_advisory_lock(hashtext('seams.migrations'))`
    await connection`
      create table if not exists seams_migrations (
        component text not null,
        version int not null,
        name text not null,
        checksum text not null,
        applied_at timestamptz not null default now(),
        primary key (component, version)
      )`
    const applied = new Map(
      (
        await connection<
          { component: string; version: number; checksum: string }[]
        >`select component, version, checksum from seams_migrations`
      ).map((row) => [`${row.component}/${row.version}`, row.checksum]),
    )
    let count = 0
    for (const migration of migrations) {
      const checksum = applied.get(`${migration.component}/${migration.version}`)
      if (checksum !== undefined) {
        if (checksum !== migration.checksum)
          throw new MigrationChanged(
            `migration ${migration.component}/${migration.name} was changed after it was applied`,
          )
        continue
      }
      await connection`begin`
      try {
        await connection.unsafe(migration.sql)
        await connection`
          insert into seams_migrations (component, version, name, checksum)
          values (${migration.component}, ${migration.version}, ${migration.name}, ${migration.checksum})`
        await connection`commit`
      } catch (error) {
        await connection`rollback`
        throw new MigrationFailed(
          `migration ${migration.component}/${migration.name} failed: ${(error as Error).message}`,
          { cause: error },
        )
      }
      options.log?.(`applied migration ${migration.component}/${migration.name}`)
      count += 1
    }
    return count
  } finally {
    await connection`select pg_advisory_unlock(hashtext('seams.migrations'))`.catch(() => {})
    connection.release()
  }
}
