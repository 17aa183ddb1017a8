import type { Clock, IdGenerator } from '@seams/core'
import type { Outbox } from '@seams/outbox'
import type { User } from '@shop/users-contracts'
import type { PasswordHasher } from '../passwords/password-hasher.ts'
import { userRegistered } from '../users/user-events.ts'
import { findUserByEmail, insertUserUnlessEmailTaken } from '../users/user-store.ts'

export interface BootstrapAdminDeps {
  outbox: Outbox
  passwords: PasswordHasher
  newId: IdGenerator
  now: Clock
}

export interface BootstrapAdmin {
  email: string
  password: string
}

export type BootstrapAdminOutcome = { created: boolean; user: User }

/**
 * Makes sure the configured admin exists, so a fresh shop can be administered. An account already
 * holding the email is left exactly as it is (its password and role included). Replicas starting
 * together race on the unique email: one inserts and emits UserRegistered, the others find its row.
 */
export async function ensureBootstrapAdmin(
  deps: BootstrapAdminDeps,
  admin: BootstrapAdmin,
): Promise<BootstrapAdminOutcome> {
  const { outbox } = deps
  const existing = await findUserByEmail(outbox.sql, admin.email)
  if (existing !== undefined) return { created: false, user: existing }
  const passwordHash = await deps.passwords.hash(admin.password)
  return outbox.transaction(async (tx) => {
    const created = await insertUserUnlessEmailTaken(tx, {
      id: deps.newId(),
      email: admin.email,
      name: 'Administrator',
      role: 'admin',
      passwordHash,
    })
    if (created === undefined) {
      // Another replica won the race; its row committed before our insert gave way, so this reads it.
      const winner = await findUserByEmail(tx, admin.email)
      if (winner === undefined) throw new Error(`bootstrap admin ${admin.email} was taken but cannot be read`)
      return { created: false, user: winner }
    }
    await outbox.enqueue(tx, userRegistered(deps, created))
    return { created: true, user: created }
  })
}
