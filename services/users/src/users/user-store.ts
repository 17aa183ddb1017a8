import type { Sql, TransactionSql } from '@seams/service-kit'
import type { User, UserRole } from '@shop/users-contracts'

type Queryable = Sql | TransactionSql

interface UserRow {
  id: string
  email: string
  name: string
  role: User['role']
  status: User['status']
  version: number
  createdAt: Date
  updatedAt: Date
}

export interface NewUser {
  id: string
  email: string
  name: string
  role: UserRole
  passwordHash: string
}

export const userColumns = (sql: Queryable) => sql`
  id, email, name, role, status, version, created_at as "createdAt", updated_at as "updatedAt"`

export function toUser(row: UserRow): User {
  return { ...row, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() }
}

/** Emails are compared lower-cased; the table refuses any other spelling. */
export const normalizeEmail = (email: string) => email.toLowerCase()

export async function findUser(sql: Queryable, id: string): Promise<User | undefined> {
  const [row] = await sql<UserRow[]>`select ${userColumns(sql)} from users where id = ${id}`
  return row === undefined ? undefined : toUser(row)
}

export async function findUserByEmail(sql: Queryable, email: string): Promise<User | undefined> {
  const [row] = await sql<UserRow[]>`select ${userColumns(sql)} from users where email = ${normalizeEmail(email)}`
  return row === undefined ? undefined : toUser(row)
}

/** The account behind an email with its password hash, which never leaves this module's callers. */
export async function findCredentials(
  sql: Queryable,
  email: string,
): Promise<{ user: User; passwordHash: string } | undefined> {
  const [row] = await sql<(UserRow & { passwordHash: string })[]>`
    select ${userColumns(sql)}, password_hash as "passwordHash" from users where email = ${normalizeEmail(email)}`
  if (row === undefined) return undefined
  const { passwordHash, ...user } = row
  return { user: toUser(user), passwordHash }
}

/** Inserts the user unless the email is taken; the unique email decides races between concurrent sign-ups. */
export async function insertUserUnlessEmailTaken(tx: TransactionSql, user: NewUser): Promise<User | undefined> {
  const [row] = await tx<UserRow[]>`
    insert into users (id, email, name, role, password_hash)
    values (${user.id}, ${normalizeEmail(user.email)}, ${user.name}, ${user.role}, ${user.passwordHash})
    on conflict (email) do nothing
    returning ${userColumns(tx)}`
  return row === undefined ? undefined : toUser(row)
}

/** Locks one user for a read-decide-write in this transaction. */
export async function lockUser(tx: TransactionSql, id: string): Promise<User | undefined> {
  const [row] = await tx<UserRow[]>`select ${userColumns(tx)} from users where id = ${id} for update`
  return row === undefined ? undefined : toUser(row)
}

export async function renameUser(tx: TransactionSql, id: string, name: string): Promise<User> {
  const [row] = await tx<UserRow[]>`
    update users set name = ${name}, version = version + 1, updated_at = now()
    where id = ${id} returning ${userColumns(tx)}`
  return toUser(row!)
}

export async function markDeactivated(tx: TransactionSql, id: string): Promise<User> {
  const [row] = await tx<UserRow[]>`
    update users set status = 'deactivated', deactivated_at = now(), version = version + 1, updated_at = now()
    where id = ${id} returning ${userColumns(tx)}`
  return toUser(row!)
}

/**
 * Replaces a password hash with one made at stronger parameters, unless it changed meanwhile (the
 * compare keeps a concurrent change from being overwritten with the old password). Not a change of the
 * user: neither the version nor an event.
 */
export async function upgradePasswordHash(sql: Queryable, id: string, from: string, to: string): Promise<boolean> {
  const updated = await sql`update users set password_hash = ${to} where id = ${id} and password_hash = ${from}`
  return updated.count === 1
}
