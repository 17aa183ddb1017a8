import { newId } from '@seams/core'
import type { ServiceApp, Sql } from '@seams/service-kit'
import type { User } from '@shop/users-contracts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUsersUnderTest, type UsersUnderTest } from './users-under-test.ts'

const password = 'correct horse battery'
const admin = { id: newId(), role: 'admin' }

describe('users', () => {
  let users: UsersUnderTest
  let sql: Sql
  let app: ServiceApp

  beforeAll(async () => {
    users = await createUsersUnderTest()
    sql = users.sql
    app = await users.buildApp()
  })

  afterAll(async () => {
    await users?.close()
  })

  const as = (user?: { id: string; role: string }) => users.identities.headersFor('users', { user })
  const asOrders = () => users.identities.headersFor('users', { as: 'orders' })
  // Nobody reads users on their own behalf: lookups in these specs go through an admin.
  const asReader = () => as({ id: '00000000-0000-7000-8000-0000000000ad', role: 'admin' })
  const count = async (table: string) => Number((await sql`select count(*) as n from ${sql(table)}`)[0]!['n'])
  const eventsOf = async (subject: string) =>
    (await sql`select type, envelope from seams_outbox where subject = ${subject} order by id`).map((row) => ({
      type: row['type'] as string,
      envelope: row['envelope'] as { aggregateversion: number; data: unknown },
    }))

  async function register(email: string, name = 'Test User'): Promise<User> {
    const response = await app.inject({
      method: 'POST',
      url: '/users',
      headers: await as(),
      payload: { email, name, password },
    })
    expect(response.statusCode, response.body).toBe(201)
    return response.json()
  }
  const login = async (email: string, secret = password) =>
    app.inject({ method: 'POST', url: '/auth/login', headers: await as(), payload: { email, password: secret } })
  const get = async (id: string, headers: Record<string, string>) =>
    app.inject({ method: 'GET', url: `/users/${id}`, headers })

  it('refuses calls without a valid service token, but serves its public keys to anyone', async () => {
    expect(
      (await app.inject({ method: 'POST', url: '/users', payload: { email: 'x@example.com', name: 'x', password } }))
        .statusCode,
    ).toBe(401)
    const forged = await users.identities.authOf('gateway').tokenFor('catalog')
    expect(
      (await app.inject({ method: 'GET', url: '/users/me', headers: { authorization: `Bearer ${forged}` } }))
        .statusCode,
    ).toBe(401)
    expect((await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).statusCode).toBe(200)
  })

  it('registers a customer with a lower-cased email and emits UserRegistered in the same transaction', async () => {
    const user = await register('Ada.Lovelace@Example.COM', 'Ada Lovelace')
    expect(user).toMatchObject({
      email: 'ada.lovelace@example.com',
      name: 'Ada Lovelace',
      role: 'customer',
      status: 'active',
      version: 1,
    })
    expect(Object.keys(user).sort()).toEqual([
      'createdAt',
      'email',
      'id',
      'name',
      'role',
      'status',
      'updatedAt',
      'version',
    ])
    const events = await eventsOf(user.id)
    expect(events.map((event) => event.type)).toEqual(['users.UserRegistered'])
    expect(events[0]!.envelope).toMatchObject({
      aggregateversion: 1,
      data: { userId: user.id, email: 'ada.lovelace@example.com', name: 'Ada Lovelace', role: 'customer' },
    })
  })

  it('answers 409 to an email already used in any letter case, also when sign-ups race', async () => {
    await register('grace@example.com')
    for (const email of ['grace@example.com', 'GRACE@Example.com']) {
      const duplicate = await app.inject({
        method: 'POST',
        url: '/users',
        headers: await as(),
        payload: { email, name: 'Another', password },
      })
      expect(duplicate.statusCode).toBe(409)
      expect(duplicate.json()).toMatchObject({ code: 'USERS_DUPLICATE_EMAIL', status: 409 })
    }
    const racing = await Promise.all(
      ['race@example.com', 'RACE@example.com', 'Race@Example.com', 'race@EXAMPLE.com'].map(async (email) =>
        app.inject({ method: 'POST', url: '/users', headers: await as(), payload: { email, name: 'Racer', password } }),
      ),
    )
    expect(racing.map((response) => response.statusCode).sort()).toEqual([201, 409, 409, 409])
    expect(
      Number(
        (
          await sql`
            select count(*) as n from seams_outbox
            where type = 'users.UserRegistered' and envelope->'data'->>'email' = 'race@example.com'`
        )[0]!['n'],
      ),
    ).toBe(1)
  })

  it('logs in with the email in any letter case and serves the acting user at /users/me', async () => {
    const user = await register('lin@example.com', 'Lin')
    const response = await login('LIN@example.com')
    expect(response.statusCode).toBe(200)
    expect(response.headers['cache-control']).toBe('no-store')
    expect(response.json()).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600, user })
    expect(
      (
        await app.inject({ method: 'GET', url: '/users/me', headers: await as({ id: user.id, role: 'customer' }) })
      ).json(),
    ).toEqual(user)
    expect((await app.inject({ method: 'GET', url: '/users/me', headers: await asOrders() })).statusCode).toBe(403)
  })

  it('answers a wrong password, an unknown email and a deactivated account with the same 401', async () => {
    const user = await register('mo@example.com')
    const deactivated = await register('gone@example.com')
    await app.inject({
      method: 'POST',
      url: `/users/${deactivated.id}/deactivate`,
      headers: await as({ id: deactivated.id, role: 'customer' }),
    })
    const answers = [
      await login(user.email, 'wrong password'),
      await login('nobody@example.com'),
      await login(deactivated.email),
    ]
    for (const answer of answers) {
      expect(answer.statusCode).toBe(401)
      expect(answer.headers['content-type']).toContain('application/problem+json')
    }
    expect(answers[0]!.json()).toMatchObject({ code: 'USERS_INVALID_CREDENTIALS', detail: 'Invalid email or password' })
    expect(answers[1]!.body).toBe(answers[0]!.body)
    expect(answers[2]!.body).toBe(answers[0]!.body)
  })

  it('shows a user to that user, admins and services acting for no user, and hides it from everyone else', async () => {
    const alice = await register('alice@example.com', 'Alice')
    const bob = await register('bob@example.com', 'Bob')
    const asAlice = await as({ id: alice.id, role: 'customer' })
    expect((await get(alice.id, asAlice)).json()).toEqual(alice)
    const hidden = await get(bob.id, asAlice)
    const unknownId = newId()
    const unknown = await get(unknownId, asAlice)
    expect(hidden.statusCode).toBe(404)
    expect(hidden.json()).toEqual({ ...unknown.json(), detail: `No user ${bob.id}`, instance: `/users/${bob.id}` })
    expect((await get(bob.id, await as(admin))).json()).toEqual(bob)
    expect((await get(bob.id, await asOrders())).statusCode).toBe(403)
    expect((await get(unknownId, await as(admin))).statusCode).toBe(404)
    expect((await get(bob.id, await as())).statusCode).toBe(401)
  })

  it('lets users rename themselves and admins anyone, one version and one event per change', async () => {
    const carol = await register('carol@example.com', 'Carol')
    const dan = await register('dan@example.com', 'Dan')
    const asCarol = await as({ id: carol.id, role: 'customer' })
    const renamed = await app.inject({
      method: 'PATCH',
      url: `/users/${carol.id}`,
      headers: asCarol,
      payload: { name: 'Carol Osei' },
    })
    expect(renamed.json()).toMatchObject({ name: 'Carol Osei', email: carol.email, version: 2 })
    const same = await app.inject({
      method: 'PATCH',
      url: `/users/${carol.id}`,
      headers: asCarol,
      payload: { name: 'Carol Osei' },
    })
    expect(same.json()).toEqual(renamed.json())
    const events = await eventsOf(carol.id)
    expect(events.map((event) => event.type)).toEqual(['users.UserRegistered', 'users.UserProfileChanged'])
    expect(events[1]!.envelope).toMatchObject({
      aggregateversion: 2,
      data: { userId: carol.id, email: carol.email, name: 'Carol Osei' },
    })

    const foreign = await app.inject({
      method: 'PATCH',
      url: `/users/${dan.id}`,
      headers: asCarol,
      payload: { name: 'Hacked' },
    })
    expect(foreign.statusCode).toBe(404)
    expect((await get(dan.id, await as(admin))).json()).toEqual(dan)
    const byAdmin = await app.inject({
      method: 'PATCH',
      url: `/users/${dan.id}`,
      headers: await as(admin),
      payload: { name: 'Dan Park' },
    })
    expect(byAdmin.json()).toMatchObject({ name: 'Dan Park', version: 2 })
    expect(
      (
        await app.inject({
          method: 'PATCH',
          url: `/users/${dan.id}`,
          headers: await asOrders(),
          payload: { name: 'x' },
        })
      ).statusCode,
    ).toBe(403)
  })

  it('deactivates once: a repeat sends no second event, and the user can neither log in nor be renamed', async () => {
    const erin = await register('erin@example.com')
    const frank = await register('frank@example.com')
    const asErin = await as({ id: erin.id, role: 'customer' })
    expect(
      (await app.inject({ method: 'POST', url: `/users/${frank.id}/deactivate`, headers: asErin })).statusCode,
    ).toBe(404)
    const first = await app.inject({ method: 'POST', url: `/users/${erin.id}/deactivate`, headers: asErin })
    const again = await app.inject({ method: 'POST', url: `/users/${erin.id}/deactivate`, headers: asErin })
    expect(first.statusCode).toBe(200)
    expect(first.json()).toMatchObject({ status: 'deactivated', version: 2 })
    expect(again.statusCode).toBe(200)
    expect(again.json()).toEqual(first.json())
    expect((await eventsOf(erin.id)).map((event) => event.type)).toEqual([
      'users.UserRegistered',
      'users.UserDeactivated',
    ])
    expect((await login(erin.email)).statusCode).toBe(401)
    const rename = await app.inject({
      method: 'PATCH',
      url: `/users/${erin.id}`,
      headers: asErin,
      payload: { name: 'Back' },
    })
    expect(rename.json()).toMatchObject({ status: 409, code: 'USERS_USER_DEACTIVATED' })
    expect(
      (await app.inject({ method: 'POST', url: `/users/${frank.id}/deactivate`, headers: await as(admin) })).json(),
    ).toMatchObject({ status: 'deactivated' })
    expect((await get(frank.id, await asReader())).json()).toMatchObject({ status: 'deactivated', version: 2 })
  })

  it('writes neither a change nor its event when the transaction fails after the event was enqueued', async () => {
    const gina = await register('gina@example.com', 'Gina')
    // The outbox insert is the transaction's last statement; failing it must undo the user's row too.
    await sql.unsafe(`
      create function fail_doomed_events() returns trigger language plpgsql as $$
      begin
        if new.envelope->'data'->>'email' = 'doomed@example.com' or new.envelope->'data'->>'name' = 'Doomed Name' then
          raise exception 'injected failure';
        end if;
        return new;
      end $$;
      create trigger fail_doomed_events before insert on seams_outbox
        for each row execute function fail_doomed_events();`)
    try {
      const before = await Promise.all(['users', 'seams_outbox'].map(count))
      const signUp = await app.inject({
        method: 'POST',
        url: '/users',
        headers: await as(),
        payload: { email: 'doomed@example.com', name: 'Doomed', password },
      })
      const rename = await app.inject({
        method: 'PATCH',
        url: `/users/${gina.id}`,
        headers: await as({ id: gina.id, role: 'customer' }),
        payload: { name: 'Doomed Name' },
      })
      expect([signUp.statusCode, rename.statusCode]).toEqual([500, 500])
      expect(await Promise.all(['users', 'seams_outbox'].map(count))).toEqual(before)
      expect((await get(gina.id, await asReader())).json()).toEqual(gina)
    } finally {
      await sql.unsafe('drop trigger fail_doomed_events on seams_outbox; drop function fail_doomed_events()')
    }
  })

  it('rejects bad input with 400 naming the field, writing nothing', async () => {
    const hal = await register('hal@example.com', 'Hal')
    const asHal = () => as({ id: hal.id, role: 'customer' })
    const signUp = { email: 'new@example.com', name: 'New', password }
    const cases: {
      method: 'POST' | 'PATCH' | 'GET'
      url: string
      payload?: unknown
      field: string
      headers: () => Promise<Record<string, string>>
    }[] = [
      { method: 'POST', url: '/users', payload: { name: 'New', password }, field: 'body.email', headers: as },
      {
        method: 'POST',
        url: '/users',
        payload: { ...signUp, email: 'not-an-email' },
        field: 'body.email',
        headers: as,
      },
      {
        method: 'POST',
        url: '/users',
        payload: { ...signUp, email: `${'a'.repeat(250)}@example.com` },
        field: 'body.email',
        headers: as,
      },
      { method: 'POST', url: '/users', payload: { ...signUp, name: '' }, field: 'body.name', headers: as },
      { method: 'POST', url: '/users', payload: { ...signUp, name: '   ' }, field: 'body.name', headers: as },
      { method: 'POST', url: '/users', payload: { ...signUp, name: 'x'.repeat(201) }, field: 'body.name', headers: as },
      { method: 'POST', url: '/users', payload: { ...signUp, password: 'short' }, field: 'body.password', headers: as },
      {
        method: 'POST',
        url: '/users',
        payload: { ...signUp, password: 'x'.repeat(129) },
        field: 'body.password',
        headers: as,
      },
      { method: 'POST', url: '/users', payload: { ...signUp, role: 'admin' }, field: 'body.role', headers: as },
      { method: 'POST', url: '/users', payload: { ...signUp, status: 'active' }, field: 'body.status', headers: as },
      { method: 'POST', url: '/users', payload: { ...signUp, version: 7 }, field: 'body.version', headers: as },
      { method: 'PATCH', url: `/users/${hal.id}`, payload: {}, field: 'body.name', headers: asHal },
      { method: 'PATCH', url: `/users/${hal.id}`, payload: { name: '' }, field: 'body.name', headers: asHal },
      {
        method: 'PATCH',
        url: `/users/${hal.id}`,
        payload: { name: 'Hal', email: 'hal2@example.com' },
        field: 'body.email',
        headers: asHal,
      },
      {
        method: 'PATCH',
        url: `/users/${hal.id}`,
        payload: { name: 'Hal', role: 'admin' },
        field: 'body.role',
        headers: asHal,
      },
      {
        method: 'PATCH',
        url: `/users/${hal.id}`,
        payload: { name: 'Hal', status: 'deactivated' },
        field: 'body.status',
        headers: asHal,
      },
      {
        method: 'PATCH',
        url: `/users/${hal.id}`,
        payload: { name: 'Hal', version: 9 },
        field: 'body.version',
        headers: asHal,
      },
      { method: 'PATCH', url: '/users/not-a-uuid', payload: { name: 'Hal' }, field: 'params.id', headers: asHal },
      { method: 'POST', url: '/users/not-a-uuid/deactivate', field: 'params.id', headers: asHal },
      { method: 'GET', url: '/users/not-a-uuid', field: 'params.id', headers: asReader },
      { method: 'POST', url: '/auth/login', payload: { email: hal.email }, field: 'body.password', headers: as },
      {
        method: 'POST',
        url: '/auth/login',
        payload: { email: hal.email, password: '' },
        field: 'body.password',
        headers: as,
      },
      { method: 'POST', url: '/auth/login', payload: { password }, field: 'body.email', headers: as },
      { method: 'POST', url: '/auth/login', payload: { email: 'nope', password }, field: 'body.email', headers: as },
      {
        method: 'POST',
        url: '/auth/login',
        payload: { email: hal.email, password, remember: true },
        field: 'body.remember',
        headers: as,
      },
    ]
    const tables = ['users', 'seams_outbox', 'signing_keys']
    const before = await Promise.all(tables.map(count))
    for (const bad of cases) {
      const response = await app.inject({
        method: bad.method,
        url: bad.url,
        payload: bad.payload as object,
        headers: await bad.headers(),
      })
      expect(response.statusCode, `${bad.method} ${bad.url} ${JSON.stringify(bad.payload)}`).toBe(400)
      expect(response.headers['content-type']).toContain('application/problem+json')
      expect(response.json().detail, JSON.stringify(bad.payload)).toContain(bad.field)
    }
    expect(await Promise.all(tables.map(count))).toEqual(before)
    expect((await get(hal.id, await asReader())).json()).toEqual(hal)
  })

  it('answers 413 to an oversized body', async () => {
    const payload = JSON.stringify({ email: 'big@example.com', name: 'x'.repeat(2_000_000), password })
    const response = await app.inject({
      method: 'POST',
      url: '/users',
      headers: { ...(await as()), 'content-type': 'application/json' },
      payload,
    })
    expect(response.statusCode).toBe(413)
  })

  it('serves its OpenAPI document and health without a token', async () => {
    const openapi = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, unknown>
    }
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/users',
        '/users/me',
        '/users/{id}',
        '/users/{id}/deactivate',
        '/auth/login',
        '/.well-known/jwks.json',
      ]),
    )
    expect((await app.inject({ method: 'GET', url: '/health/ready' })).json()).toMatchObject({ status: 'ready' })
  })
})
