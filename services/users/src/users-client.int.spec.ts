import { newId } from '@seams/core'
import { createHttpClient, type HttpClient } from '@seams/http-client'
import type { ServiceApp } from '@seams/service-kit'
import { createUsersClient, type UsersClient } from '@shop/users-contracts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUsersUnderTest, type UsersUnderTest } from './users-under-test.ts'

const password = 'correct horse battery'

// The published client, as orders would use it, against the real service over HTTP.
describe('createUsersClient', () => {
  let users: UsersUnderTest
  let app: ServiceApp
  let http: HttpClient
  let client: UsersClient

  beforeAll(async () => {
    users = await createUsersUnderTest()
    app = await users.buildApp()
    await app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = app.server.address() as { port: number }
    http = createHttpClient({
      name: 'users',
      baseUrl: `http://127.0.0.1:${port}`,
      tokens: users.identities.authOf('gateway'),
    })
    client = createUsersClient(http)
  })

  afterAll(async () => {
    await http?.close()
    await users?.close()
  })

  it('registers a user and reports a taken email as an outcome, not an error', async () => {
    const registered = await client.register({ email: 'Ivy@example.com', name: 'Ivy', password })
    expect(registered).toMatchObject({ ok: true, user: { email: 'ivy@example.com', role: 'customer', version: 1 } })
    expect(await client.register({ email: 'ivy@EXAMPLE.com', name: 'Ivy', password })).toEqual({
      ok: false,
      reason: 'DUPLICATE_EMAIL',
    })
  })

  it('reads a user by id for an admin, and answers undefined for one that does not exist', async () => {
    const registered = await client.register({ email: 'jo@example.com', name: 'Jo', password })
    if (!registered.ok) throw new Error('registration failed')
    const asAdmin = { userToken: await users.identities.userToken({ id: newId(), role: 'admin' }) }
    expect(await client.getUser(registered.user.id, asAdmin)).toEqual(registered.user)
    expect(await client.getUser(newId(), asAdmin)).toBeUndefined()
  })

  it('fetches the public signing keys', async () => {
    const served = (await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json()
    expect(await client.getSigningKeys()).toEqual(served)
    expect(served.keys).toHaveLength(1)
  })
})
