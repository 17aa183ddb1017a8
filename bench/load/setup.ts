import { setTimeout as sleep } from 'node:timers/promises'
import type { VirtualUser } from './workload.ts'

interface Json {
  [key: string]: any
}

async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; body: Json }> {
  // Setup is not measured: a service still warming up, or shedding while a busy machine catches up, is waited
  // for (a minute at most), not counted.
  const deadline = Date.now() + 60_000
  for (;;) {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    if (response.status >= 500 && Date.now() < deadline) {
      await sleep(250)
      continue
    }
    return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Json) }
  }
}

async function inBatches<T, R>(items: readonly T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = []
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const index = next++
        results[index] = await work(items[index]!)
      }
    }),
  )
  return results
}

/** The benchmark's products: plenty of stock, so that orders measure the saga rather than running out. */
export async function benchProducts(gateway: string, adminToken: string, count: number): Promise<string[]> {
  await inBatches([...Array(count).keys()], 16, async (index) => {
    const sku = `BENCH-${String(index).padStart(4, '0')}`
    const created = await call(
      gateway,
      'POST',
      '/api/products',
      { sku, name: `Bench product ${index}`, priceCents: 500 + index, currency: 'EUR', stockOnHand: 10_000_000 },
      adminToken,
    )
    if (created.status !== 201 && created.status !== 409)
      throw new Error(`could not create ${sku}: ${created.status} ${JSON.stringify(created.body)}`)
  })
  const ids: string[] = []
  let cursor: string | null = Buffer.from('BENCH-').toString('base64url')
  while (cursor !== null && ids.length < count) {
    const page = await call(gateway, 'GET', `/api/products?limit=100&after=${cursor}`)
    ids.push(
      ...(page.body['items'] as { id: string; sku: string }[])
        .filter((item) => item.sku.startsWith('BENCH-'))
        .map((item) => item.id),
    )
    cursor = page.body['nextCursor'] as string | null
  }
  return ids.slice(0, count)
}

/** The email and password of bench account `index`: the same in every run, so a shop is set up once. */
export function benchCredentials(index: number): { email: string; password: string } {
  return { email: `bench-${index}@seams.bench`, password: 'bench-password-1' }
}

async function register(gateway: string, index: number): Promise<void> {
  const { email, password } = benchCredentials(index)
  const registered = await call(gateway, 'POST', '/api/users', { email, name: `Bench User ${index}`, password })
  if (registered.status !== 201 && registered.status !== 409)
    throw new Error(`could not register ${email}: ${registered.status}`)
}

/** Registers (or finds) `count` customers and logs each in: each virtual user acts with its own JWT. */
export async function benchUsers(
  gateway: string,
  count: number,
  onProgress: (done: number) => void,
): Promise<VirtualUser[]> {
  let done = 0
  return inBatches([...Array(count).keys()], 24, async (index) => {
    await register(gateway, index)
    const login = await call(gateway, 'POST', '/api/auth/login', benchCredentials(index))
    if (login.status !== 200) throw new Error(`could not log ${benchCredentials(index).email} in: ${login.status}`)
    done += 1
    if (done % 500 === 0) onProgress(done)
    return { index, id: login.body['user'].id as string, token: login.body['accessToken'] as string, orders: [] }
  })
}

/**
 * Registers (or finds) bench accounts `from` to `to - 1` without logging them in: more accounts for `--new-sessions`.
 */
export async function benchAccounts(gateway: string, from: number, to: number): Promise<void> {
  await inBatches([...Array(Math.max(0, to - from)).keys()], 24, (offset) => register(gateway, from + offset))
}

export async function adminToken(gateway: string, email: string, password: string): Promise<string> {
  const login = await call(gateway, 'POST', '/api/auth/login', { email, password })
  if (login.status !== 200) throw new Error(`admin login failed: ${login.status} ${JSON.stringify(login.body)}`)
  return login.body['accessToken'] as string
}
