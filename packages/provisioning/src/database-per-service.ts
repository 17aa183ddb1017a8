import postgres, { type Sql } from 'postgres'
import { scramVerifier } from './scram-verifier.ts'

/** A service's own database and the only role that may use it. */
export interface ServiceDatabaseSpec {
  database: string
  role: string
  password: string
}

const identifier = /^[a-z_][a-z0-9_]{0,62}$/
const passwordPattern = /^[A-Za-z0-9_-]{16,128}$/

function check(spec: ServiceDatabaseSpec): void {
  if (!identifier.test(spec.database)) throw new TypeError(`database name ${spec.database} must match ${identifier}`)
  if (!identifier.test(spec.role)) throw new TypeError(`role name ${spec.role} must match ${identifier}`)
  if (!passwordPattern.test(spec.password))
    throw new TypeError('role password must be 16-128 characters of [A-Za-z0-9_-]')
}

/** The URL a service uses: the admin URL's host and port with the service's own role and database. */
export function serviceDatabaseUrl(adminUrl: string, spec: ServiceDatabaseSpec): string {
  const url = new URL(adminUrl)
  url.username = spec.role
  url.password = spec.password
  url.pathname = `/${spec.database}`
  return url.toString()
}

function withDatabase(adminUrl: string, database: string): string {
  const url = new URL(adminUrl)
  url.pathname = `/${database}`
  return url.toString()
}

async function ignoringDuplicates(statement: Promise<unknown>): Promise<void> {
  try {
    await statement
  } catch (error) {
    // 42710 duplicate_object, 42P04 duplicate_database, 23505: another process provisioned it first.
    const code = (error as { code?: string }).code
    if (code !== '42710' && code !== '42P04' && code !== '23505') throw error
  }
}

/**
 * Creates (or brings up to date) a service's database and login role, idempotently. The role owns its
 * database and nothing else, cannot create databases or roles, and PUBLIC loses CONNECT on the database
 * and CREATE on its public schema, so no other service's role can get in.
 */
export async function provisionServiceDatabase(adminUrl: string, spec: ServiceDatabaseSpec): Promise<string> {
  check(spec)
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
  try {
    const role = admin(spec.role)
    const [existingRole] = await admin`select 1 from pg_roles where rolname = ${spec.role}`
    if (existingRole === undefined) await ignoringDuplicates(admin`create role ${role} login`)
    // The verifier, not the password: a statement log or pg_stat_statements would keep the password.
    await admin.unsafe(
      `alter role "${spec.role}" login nosuperuser nocreatedb nocreaterole noreplication ` +
        `password '${scramVerifier(spec.password)}'`,
    )
    const [existingDatabase] = await admin`select 1 from pg_database where datname = ${spec.database}`
    if (existingDatabase === undefined)
      await ignoringDuplicates(admin`create database ${admin(spec.database)} owner ${role}`)
    await admin`revoke all on database ${admin(spec.database)} from public`
    await admin`grant connect, temporary on database ${admin(spec.database)} to ${role}`
  } finally {
    await admin.end()
  }
  const inside = postgres(withDatabase(adminUrl, spec.database), { max: 1, onnotice: () => {} })
  try {
    await inside`revoke all on schema public from public`
    await inside`alter schema public owner to ${inside(spec.role)}`
  } finally {
    await inside.end()
  }
  return serviceDatabaseUrl(adminUrl, spec)
}

/** Drops a service's database and role (tests and `--reset`). */
export async function dropServiceDatabase(
  adminUrl: string,
  spec: Pick<ServiceDatabaseSpec, 'database' | 'role'>,
): Promise<void> {
  const admin: Sql = postgres(adminUrl, { max: 1, onnotice: () => {} })
  try {
    await admin`drop database if exists ${admin(spec.database)} with (force)`
    await admin`drop role if exists ${admin(spec.role)}`
  } finally {
    await admin.end()
  }
}
