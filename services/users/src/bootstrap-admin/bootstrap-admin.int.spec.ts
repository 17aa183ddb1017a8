import { newId, systemClock } from '@seams/core'
import { createOutbox } from '@seams/outbox'
import type { ServiceApp } from '@seams/service-kit'
import { usersEvents } from '@shop/users-contracts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPasswordHasher } from '../passwords/password-hasher.ts'
import { createUsersUnderTest, type UsersUnderTest } from '../users-under-test.ts'
import { ensureBootstrapAdmin, type BootstrapAdminDeps, type BootstrapAdminOutcome } from './bootstrap-admin.ts'

const admin = { email: 'Admin@Seams.local', password: 'admin-password-1' }

describe('ensureBootstrapAdmin', () => {
  let users: UsersUnderTest
  let app: ServiceApp
  let deps: BootstrapAdminDeps

  beforeAll(async () => {
    users = await createUsersUnderTest()
    app = await users.buildApp()
    deps = { outbox: users.eventing.outbox, passwords: createPasswordHasher({ cost: 1024 }), newId, now: systemClock }
  })

  afterAll(async () => {
    await users?.close()
  })

  const registeredEvents = async (email: string) =>
    Number(
      (
        await users.sql`
          select count(*) as n from seams_outbox
          where type = 'users.UserRegistered' and envelope->'data'->>'email' = ${email}`
      )[0]!['n'],
    )

  async function login(email: string, password: string) {
    const headers = await users.identities.headersFor('users')
    return app.inject({ method: 'POST', url: '/auth/login', headers, payload: { email, password } })
  }

  it('creates the admin once when replicas start together, emitting one UserRegistered', async () => {
    const settled = await users.raceReplicas(3, 'users', (sql) =>
      ensureBootstrapAdmin({ ...deps, outbox: createOutbox({ sql, source: 'users', contracts: usersEvents }) }, admin),
    )
    expect(settled.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled'])
    const outcomes = settled.map((outcome) => (outcome as PromiseFulfilledResult<BootstrapAdminOutcome>).value)
    expect(outcomes.filter((outcome) => outcome.created)).toHaveLength(1)
    expect(new Set(outcomes.map((outcome) => outcome.user.id)).size).toBe(1)
    expect(outcomes[0]!.user).toMatchObject({ email: 'admin@seams.local', role: 'admin', status: 'active', version: 1 })
    expect(await registeredEvents('admin@seams.local')).toBe(1)
    const response = await login(admin.email, admin.password)
    expect(response.statusCode).toBe(200)
    expect(response.json()).toMatchObject({ user: { role: 'admin' } })
  })

  it('leaves an existing account as it is, password and role included', async () => {
    const headers = await users.identities.headersFor('users')
    const signUp = await app.inject({
      method: 'POST',
      url: '/users',
      headers,
      payload: { email: 'taken@example.com', name: 'First', password: 'first-password' },
    })
    expect(signUp.statusCode).toBe(201)
    const outcome = await ensureBootstrapAdmin(deps, { email: 'taken@example.com', password: 'other-password' })
    expect(outcome).toEqual({ created: false, user: signUp.json() })
    expect(await registeredEvents('taken@example.com')).toBe(1)
    expect((await login('taken@example.com', 'other-password')).statusCode).toBe(401)
    expect((await ensureBootstrapAdmin(deps, admin)).created).toBe(false)
  })
})
