import { describe, expect, it } from 'vitest'
import { clientResponseHeaders, upstreamRequestHeaders } from './forwarded-headers.ts'

describe('forwarded headers', () => {
  it("never passes the client's credentials, cookies or hop headers upstream", () => {
    const forwarded = upstreamRequestHeaders(
      {
        authorization: 'Bearer client-token',
        cookie: 'session=1',
        host: 'shop.example',
        connection: 'keep-alive',
        'content-length': '2',
        'transfer-encoding': 'chunked',
        'x-forwarded-for': '10.0.0.1',
        'content-type': 'application/json',
        accept: 'application/json',
        'idempotency-key': 'k-1',
        'if-none-match': '"v1"',
        'x-request-id': 'client-chosen',
      },
      'req-1',
    )
    expect(forwarded).toEqual({
      'content-type': 'application/json',
      accept: 'application/json',
      'idempotency-key': 'k-1',
      'if-none-match': '"v1"',
      'x-request-id': 'req-1',
    })
  })

  it("lets only the safe subset of the service's answer through to the client", () => {
    const passed = clientResponseHeaders({
      'content-type': 'application/json',
      location: '/products/1',
      'retry-after': '3',
      'cache-control': 'no-store',
      etag: '"v2"',
      'set-cookie': ['a=1'],
      server: 'internal',
      'x-request-id': 'upstream-id',
      'content-length': '10',
      connection: 'keep-alive',
    })
    expect(passed).toEqual({
      'content-type': 'application/json',
      location: '/products/1',
      'retry-after': '3',
      'cache-control': 'no-store',
      etag: '"v2"',
    })
  })
})
