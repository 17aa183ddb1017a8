import { createDatabase, type Sql } from '@seams/service-kit'
import { adminDatabaseUrl } from '@seams/testing'
import { startTestShop, type TestShop } from '@shop/launcher'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPasswordHasher } from '../passwords/password-hasher.ts'

const password = 'correct horse battery'

// A real users process at its production defaults (scrypt N = 2^17, two hashes at once, eight waiting):
// what a flood does to one process's thread pool and event loop cannot be seen in-process. A burst of
// wrong passwords through real processes is in the gateway's routing/auth-upstream.int.spec.ts.
describe('login under attack, against a users process', () => {
  let test: TestShop
  let sql: Sql

  beforeAll(async () => {
    test = await startTestShop(adminDatabaseUrl(), {
      services: ['users'],
      overrides: { users: { LOG_LEVEL: 'warn', SCRYPT_COST: '131072' } },
    })
    sql = createDatabase(test.shop.databaseUrls.users, { applicationName: 'users-attack-test', max: 2 })
  })

  afterAll(async () => {
    await sql?.end()
    await test?.close()
  })

  const login = (email: string, secret: string) =>
    test.call('users', 'POST', '/auth/login', { body: { email, password: secret } })
  const register = async (email: string) => {
    const response = await test.call('users', 'POST', '/users', { body: { email, name: 'Someone', password } })
    expect(response.status, JSON.stringify(response.body)).toBe(201)
  }

  it('sheds a flood of logins with 503 and Retry-After while /health/live keeps answering', async () => {
    const liveUrl = `${test.shop.urls.users}/health/live`
    let flooding = true
    const liveLatencies: number[] = []
    const probing = (async () => {
      while (flooding) {
        const started = performance.now()
        expect((await fetch(liveUrl)).status).toBe(200)
        liveLatencies.push(performance.now() - started)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    })()
    const started = performance.now()
    // Different emails, so that the per-account throttle stays out of it: this is about the hashing.
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, index) => login(`flood-${index}@example.com`, 'a wrong password')),
    )
    const floodMs = performance.now() - started
    flooding = false
    await probing

    const statuses = answers.map((answer) => answer.status)
    expect(
      statuses.filter((status) => status !== 401 && status !== 503),
      statuses.join(),
    ).toEqual([])
    const shed = answers.filter((answer) => answer.status === 503)
    expect(shed.length).toBeGreaterThan(0)
    for (const answer of shed) {
      expect(answer.body).toMatchObject({ code: 'USERS_PASSWORD_HASHING_BUSY' })
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    }
    const slowestLiveMs = Math.max(...liveLatencies)
    console.log(
      `flood of 60 logins: ${statuses.filter((status) => status === 401).length} checked, ` +
        `${shed.length} shed in ${Math.round(floodMs)} ms; ` +
        `/health/live answered ${liveLatencies.length} probes, slowest ${Math.round(slowestLiveMs)} ms`,
    )
    expect(liveLatencies.length).toBeGreaterThan(0)
    // Generous for a shared two-core machine: a stalled event loop would take seconds, not this.
    expect(slowestLiveMs).toBeLessThan(1000)
  })

  it("makes a hash with older parameters again at today's on the next successful login", async () => {
    await register('veteran@example.com')
    const old = await createPasswordHasher({ cost: 16384 }).hash(password)
    await sql`update users set password_hash = ${old} where email = 'veteran@example.com'`

    expect((await login('veteran@example.com', password)).status).toBe(200)
    const [row] = await sql<
      { passwordHash: string }[]
    >`select password_hash as "passwordHash" from users where email = 'veteran@example.com'`
    expect(row!.passwordHash).toMatch(/^scrypt\$131072\$8\$1\$/)
    expect(row!.passwordHash).not.toBe(old)
    expect((await login('veteran@example.com', password)).status).toBe(200)
    expect((await login('veteran@example.com', 'not it')).status).toBe(401)
  })
})
