import { randomBytes } from 'node:crypto'
import { adminDatabaseUrl } from '@seams/testing'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dropServiceDatabase, provisionServiceDatabase, serviceDatabaseUrl, type ServiceDatabaseSpec } from './index.ts'

const prefix = `t${randomBytes(3).toString('hex')}`
const services = ['alpha', 'beta', 'gamma']
const specs: ServiceDatabaseSpec[] = services.map((service) => ({
  database: `${prefix}_${service}`,
  role: `${prefix}_${service}`,
  password: randomBytes(16).toString('hex'),
}))

async function connect(url: string) {
  const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} })
  try {
    await sql`select 1`
    return { sql, error: undefined }
  } catch (error) {
    await sql.end()
    return { sql: undefined, error: error as { code?: string; message: string } }
  }
}

describe('database per service', () => {
  let admin: string
  const urls = new Map<string, string>()

  beforeAll(async () => {
    admin = adminDatabaseUrl()
    for (const spec of specs) urls.set(spec.database, await provisionServiceDatabase(admin, spec))
  })

  afterAll(async () => {
    for (const spec of specs) await dropServiceDatabase(admin, spec)
  })

  it('lets each service own its database: connect, create, write', async () => {
    for (const spec of specs) {
      const { sql, error } = await connect(urls.get(spec.database)!)
      expect(error).toBeUndefined()
      await sql!`create table own_data (id int primary key)`
      await sql!`insert into own_data values (1)`
      await sql!.end()
    }
  })

  it("refuses every service's credentials at every other service's database", async () => {
    for (const owner of specs) {
      for (const intruder of specs.filter((spec) => spec !== owner)) {
        const crossUrl = serviceDatabaseUrl(admin, { ...intruder, database: owner.database })
        const { sql, error } = await connect(crossUrl)
        await sql?.end()
        // insufficient_privilege: CONNECT revoked
        expect(error?.code, `${intruder.role} → ${owner.database}`).toBe('42501')
      }
    }
  })

  it('leaves no other role a way to create objects in a service database', async () => {
    const asAdmin = new URL(admin)
    asAdmin.pathname = `/${specs[0]!.database}`
    const inside = postgres(asAdmin.toString(), { max: 1, onnotice: () => {} })
    try {
      for (const other of specs.slice(1)) {
        const [row] = await inside<{ connect: boolean; create: boolean; temp: boolean }[]>`
          select has_database_privilege(${other.role}, current_database(), 'CONNECT') as connect,
                 has_schema_privilege(${other.role}, 'public', 'CREATE') as create,
                 has_database_privilege(${other.role}, current_database(), 'TEMPORARY') as temp`
        expect(row, other.role).toEqual({ connect: false, create: false, temp: false })
      }
    } finally {
      await inside.end()
    }
  })

  it('is idempotent: provisioning again keeps data and rights', async () => {
    const spec = specs[0]!
    await provisionServiceDatabase(admin, spec)
    const { sql } = await connect(urls.get(spec.database)!)
    expect((await sql!`select count(*)::int as n from own_data`)[0]!['n']).toBe(1)
    await sql!.end()
  })
})
