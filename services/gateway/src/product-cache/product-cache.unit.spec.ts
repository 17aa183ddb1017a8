import { createMemoryCache } from '@seams/cache'
import type { DeliveredEvent } from '@seams/core'
import { describe, expect, it } from 'vitest'
import { createProductCache, type Loaded } from './product-cache.ts'

const productId = '00000000-0000-4000-8000-000000000001'
let position = 0

/** A catalog event about `productId` at `version`, as the transport delivers it. */
function catalogEvent(type: 'catalog.ProductChanged' | 'catalog.StockChanged', version: number): DeliveredEvent {
  position += 1
  return {
    specversion: '1.0',
    id: `event-${position}`,
    source: 'catalog',
    type,
    subject: productId,
    time: new Date(0).toISOString(),
    datacontenttype: 'application/json',
    dataschema: `urn:seams:${type}.v1`,
    aggregateversion: version,
    data: { productId },
    position,
  }
}

const answer = (status: number, body: unknown): Loaded => ({
  status,
  headers: {},
  body: Buffer.from(JSON.stringify(body)),
})
const productAt = (version: number) => answer(200, { id: productId, name: `Lamp v${version}`, version })

/** A loader that counts its calls and answers what `next` holds at the time. */
function loader(first: Loaded) {
  const calls = { count: 0, next: first }
  return { calls, load: async () => ((calls.count += 1), calls.next) }
}

/** A promise with its resolve function, to hold a load in flight while an event arrives. */
function deferred<T>() {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((done) => (resolve = done))
  return { promise, resolve }
}

const cacheOf = () => createProductCache({ cache: createMemoryCache(), ttlMs: 60_000, listTtlMs: 60_000 })

describe('createProductCache', () => {
  it('loads on a miss and serves the cached JSON on the next read', async () => {
    const products = cacheOf()
    const { calls, load } = loader(productAt(1))
    expect(await products.product(productId, load)).toEqual({ hit: false, loaded: productAt(1) })
    expect(await products.product(productId, load)).toEqual({ hit: true, json: productAt(1).body.toString() })
    expect(calls.count).toBe(1)
  })

  it('caches only 200 answers', async () => {
    const products = cacheOf()
    const { calls, load } = loader(answer(404, { code: 'NOT_FOUND' }))
    await products.product(productId, load)
    expect((await products.product(productId, load)).hit).toBe(false)
    expect(calls.count).toBe(2)
    const failing = loader(answer(503, { code: 'UNAVAILABLE' }))
    await products.page('/products', failing.load)
    expect((await products.page('/products', failing.load)).hit).toBe(false)
  })

  it('drops a product when its change is announced, and caches the newer version it then loads', async () => {
    const products = cacheOf()
    const { calls, load } = loader(productAt(1))
    await products.product(productId, load)
    await products.invalidate(catalogEvent('catalog.ProductChanged', 2))
    calls.next = productAt(2)
    expect(await products.product(productId, load)).toEqual({ hit: false, loaded: productAt(2) })
    expect(await products.product(productId, load)).toEqual({ hit: true, json: productAt(2).body.toString() })
  })

  it('does not cache an older version loaded by a read that raced the invalidation', async () => {
    const products = cacheOf()
    const inFlight = deferred<Loaded>()
    // The read misses and asks the catalog, which answers with version 1 ...
    const racing = products.product(productId, () => inFlight.promise)
    await new Promise((resolve) => setImmediate(resolve))
    // ... but before that answer is back, the catalog announces version 2.
    await products.invalidate(catalogEvent('catalog.ProductChanged', 2))
    inFlight.resolve(productAt(1))
    // The caller still gets the answer it asked for; the cache must not keep it.
    expect(await racing).toEqual({ hit: false, loaded: productAt(1) })
    const { calls, load } = loader(productAt(2))
    expect(await products.product(productId, load)).toEqual({ hit: false, loaded: productAt(2) })
    expect(calls.count).toBe(1)
  })

  it('drops pages of the list on a product change but not on a stock move, and keys them by query', async () => {
    const products = cacheOf()
    const pageOne = loader(answer(200, { items: ['a'] }))
    const pageTwo = loader(answer(200, { items: ['a', 'b'] }))
    await products.page('/products?limit=1', pageOne.load)
    await products.page('/products?limit=2', pageTwo.load)
    expect(await products.page('/products?limit=1', pageOne.load)).toEqual({ hit: true, json: '{"items":["a"]}' })
    expect(await products.page('/products?limit=2', pageTwo.load)).toEqual({ hit: true, json: '{"items":["a","b"]}' })

    await products.invalidate(catalogEvent('catalog.StockChanged', 2))
    expect((await products.page('/products?limit=1', pageOne.load)).hit).toBe(true)
    await products.invalidate(catalogEvent('catalog.ProductChanged', 3))
    expect((await products.page('/products?limit=1', pageOne.load)).hit).toBe(false)
    expect(pageOne.calls.count).toBe(2)
  })

  it('does not cache a page loaded while a product change arrived', async () => {
    const products = cacheOf()
    const inFlight = deferred<Loaded>()
    const racing = products.page('/products', () => inFlight.promise)
    await new Promise((resolve) => setImmediate(resolve))
    await products.invalidate(catalogEvent('catalog.ProductChanged', 2))
    inFlight.resolve(answer(200, { items: ['before the change'] }))
    await racing
    const after = loader(answer(200, { items: ['after the change'] }))
    expect(await products.page('/products', after.load)).toEqual({
      hit: false,
      loaded: answer(200, { items: ['after the change'] }),
    })
  })

  it('shares pages between replicas that applied the same changes, but not with one started since', async () => {
    // One store, two product caches: replicas of the gateway on one Redis.
    const shared = createMemoryCache()
    const replica = () => createProductCache({ cache: shared, ttlMs: 60_000, listTtlMs: 60_000 })
    const early = replica()
    await early.page('/products', loader(answer(200, { items: ['before'] })).load)
    const change = catalogEvent('catalog.ProductChanged', 2)
    await early.invalidate(change)

    // Started after the change, it never applied it, and must not take the page cached before it.
    const late = replica()
    expect((await late.page('/products', loader(answer(200, { items: ['after'] })).load)).hit).toBe(false)

    const next = catalogEvent('catalog.ProductChanged', 3)
    await early.invalidate(next)
    await late.invalidate(next)
    await early.page('/products', loader(answer(200, { items: ['latest'] })).load)
    expect(await late.page('/products', loader(answer(500, {})).load)).toEqual({
      hit: true,
      json: '{"items":["latest"]}',
    })
  })
})
