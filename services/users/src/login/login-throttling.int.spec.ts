import type { ServiceApp } from '@seams/service-kit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUsersUnderTest, type UsersUnderTest } from '../users-under-test.ts'

const password = 'correct horse battery'

// Two apps on one database are two replicas: the counters must be theirs together, not each one's.
describe('login throttling', () => {
  let users: UsersUnderTest
  let replicas: ServiceApp[]

  beforeAll(async () => {
    users = await createUsersUnderTest()
    replicas = [await users.buildApp(), await users.buildApp()]
  })

  afterAll(async () => {
    await users?.close()
  })

  const gateway = () => users.identities.headersFor('users')
  const register = async (email: string) => {
    const response = await replicas[0]!.inject({
      method: 'POST',
      url: '/users',
      headers: await gateway(),
      payload: { email, name: 'Someone', password },
    })
    expect(response.statusCode, response.body).toBe(201)
  }
  const login = async (email: string, secret: string, replica = 0) =>
    replicas[replica % replicas.length]!.inject({
      method: 'POST',
      url: '/auth/login',
      headers: await gateway(),
      payload: { email, password: secret },
    })

  async function statusesOf(email: string, secrets: string[]): Promise<number[]> {
    const statuses: number[] = []
    for (const [index, secret] of secrets.entries()) statuses.push((await login(email, secret, index)).statusCode)
    return statuses
  }

  it(
    'refuses the sixth of a burst of wrong passwords for one account, ' + 'across replicas, with 429 naming the reason',
    async () => {
      await register('target@example.com')
      const statuses = await statusesOf(
        'target@example.com',
        Array.from({ length: 40 }, (_, index) => `wrong password ${index}`),
      )
      expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401])
      expect(statuses.indexOf(429)).toBe(5)
      // The backoff lets a guess through now and then (after 1 s, 2 s more, ...), however fast they come.
      expect(statuses.filter((status) => status === 401).length, statuses.join()).toBeLessThanOrEqual(8)
      expect(statuses.filter((status) => status !== 401 && status !== 429)).toEqual([])

      const refused = await login('TARGET@example.com', password)
      expect(refused.statusCode).toBe(429)
      expect(refused.headers['content-type']).toContain('application/problem+json')
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1)
      expect(refused.json()).toMatchObject({ status: 429, code: 'USERS_LOGIN_THROTTLED', reason: 'account' })
    },
  )

  it('throttles an email without an account exactly like one with, so a 429 tells nothing either', async () => {
    await register('exists@example.com')
    const wrong = Array.from({ length: 6 }, () => 'not the password')
    for (const email of ['exists@example.com', 'nobody-here@example.com'])
      expect(await statusesOf(email, wrong)).toEqual([401, 401, 401, 401, 401, 429])
    const [a, b] = [await login('exists@example.com', 'x'), await login('nobody-here@example.com', 'x')]
    expect({ ...a.json(), detail: undefined, instance: undefined, retryAfterSeconds: undefined }).toEqual({
      ...b.json(),
      detail: undefined,
      instance: undefined,
      retryAfterSeconds: undefined,
    })
  })

  it(
    'counts concurrent guesses before their passwords are checked, ' + 'so a parallel burst gets no more tries',
    async () => {
      await register('parallel@example.com')
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, index) => login('parallel@example.com', `guess ${index}`, index)),
      )
      const statuses = answers.map((answer) => answer.statusCode)
      expect(statuses.filter((status) => status === 401)).toHaveLength(5)
      expect(statuses.filter((status) => status === 429)).toHaveLength(15)
    },
  )

  it('starts the count again after a successful login', async () => {
    await register('forgetful@example.com')
    expect(await statusesOf('forgetful@example.com', ['w1', 'w2', 'w3', 'w4'])).toEqual([401, 401, 401, 401])
    expect((await login('forgetful@example.com', password)).statusCode).toBe(200)
    expect(await statusesOf('forgetful@example.com', ['w5', 'w6', 'w7', 'w8', 'w9', 'w10'])).toEqual([
      401, 401, 401, 401, 401, 429,
    ])
  })

  it('refuses even the right password while an account is throttled', async () => {
    await register('locked@example.com')
    await statusesOf('locked@example.com', ['w1', 'w2', 'w3', 'w4', 'w5'])
    expect((await login('locked@example.com', password)).statusCode).toBe(429)
  })

  it("forgets an account's count an hour after its last admitted attempt", async () => {
    await users.sql`
      update throttle_counters
      set last_attempt_at = now() - interval '2 hours', blocked_until = now() - interval '90 minutes'
      where key = 'locked@example.com'`
    expect((await login('locked@example.com', password)).statusCode).toBe(200)
  })
})

describe('service-wide limits', () => {
  let users: UsersUnderTest
  let app: ServiceApp

  beforeAll(async () => {
    users = await createUsersUnderTest()
    app = await users.buildApp({ limits: { loginFailuresPerMinute: 3, registrationsPerMinute: 8 } })
  })

  afterAll(async () => {
    await users?.close()
  })

  const gateway = () => users.identities.headersFor('users')
  const signUp = async (email: string) =>
    app.inject({
      method: 'POST',
      url: '/users',
      headers: await gateway(),
      payload: { email, name: 'Someone', password },
    })
  const login = async (email: string, secret: string) =>
    app.inject({ method: 'POST', url: '/auth/login', headers: await gateway(), payload: { email, password: secret } })

  it('limits sign-ups per email, whatever the answer, and then across the service', async () => {
    expect((await signUp('twice@example.com')).statusCode).toBe(201)
    const repeats = [
      await signUp('twice@example.com'),
      await signUp('Twice@example.com'),
      await signUp('twice@EXAMPLE.com'),
      await signUp('twice@example.com'),
    ]
    expect(repeats.map((response) => response.statusCode)).toEqual([409, 409, 409, 409])
    const refused = await signUp('twice@example.com')
    expect(refused.statusCode).toBe(429)
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(60)
    expect(refused.json()).toMatchObject({ code: 'USERS_REGISTRATION_THROTTLED', reason: 'email' })

    // Five of the eight per minute are spent; the email refused above spent none of them.
    const others = []
    for (const index of [1, 2, 3, 4]) others.push((await signUp(`other-${index}@example.com`)).statusCode)
    expect(others).toEqual([201, 201, 201, 429])
    const global = await signUp('other-5@example.com')
    expect(global.json()).toMatchObject({ code: 'USERS_REGISTRATION_THROTTLED', reason: 'global' })
    expect(Number(global.headers['retry-after'])).toBeLessThanOrEqual(60)
  })

  it('refuses every login once failed logins across accounts reach the limit for the minute', async () => {
    const statuses = []
    for (const email of ['a@example.com', 'b@example.com', 'c@example.com', 'other-1@example.com'])
      statuses.push((await login(email, 'wrong')).statusCode)
    expect(statuses).toEqual([401, 401, 401, 429])
    const refused = await login('other-2@example.com', password)
    expect(refused.statusCode).toBe(429)
    expect(refused.json()).toMatchObject({ code: 'USERS_LOGIN_THROTTLED', reason: 'global' })
  })
})
