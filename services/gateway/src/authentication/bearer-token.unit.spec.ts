import { describe, expect, it } from 'vitest'
import { actingUserOf, bearerTokenOf } from './bearer-token.ts'

const userId = '0190a5f0-0000-7000-8000-000000000001'
const claims = {
  sub: userId,
  role: 'customer',
  email: 'ada@example.com',
  iss: 'seams-users',
  aud: 'seams-shop',
  exp: 2_000_000_000,
}

describe('bearerTokenOf', () => {
  it('treats a request without Authorization as anonymous', () => {
    expect(bearerTokenOf(undefined)).toEqual({ kind: 'absent' })
  })

  it("takes the token of a Bearer header, whatever the scheme's letter case", () => {
    expect(bearerTokenOf('Bearer abc.def-_.g~+/==')).toEqual({ kind: 'present', token: 'abc.def-_.g~+/==' })
    expect(bearerTokenOf('bearer abc.def.ghi')).toEqual({ kind: 'present', token: 'abc.def.ghi' })
  })

  it.each(['', 'Bearer', 'Bearer ', 'Basic YWxhZGRpbjpvcGVuc2VzYW1l', 'Bearer a b', 'Bearer a,b', 'Token abc'])(
    'calls %j malformed',
    (header) => {
      expect(bearerTokenOf(header)).toEqual({ kind: 'malformed' })
    },
  )
})

describe('actingUserOf', () => {
  it('names the user and role of claims that follow the users contract', () => {
    expect(actingUserOf(claims)).toEqual({ id: userId, role: 'customer' })
    expect(actingUserOf({ ...claims, role: 'admin' })).toEqual({ id: userId, role: 'admin' })
  })

  it.each([
    ['no role', { ...claims, role: undefined }],
    ['an unknown role', { ...claims, role: 'superuser' }],
    ['a subject that is no user id', { ...claims, sub: 'service:orders' }],
    ['no subject', { ...claims, sub: undefined }],
    ['no email', { ...claims, email: undefined }],
  ])('refuses claims with %s', (_case, candidate) => {
    expect(actingUserOf(JSON.parse(JSON.stringify(candidate)))).toBeUndefined()
  })
})
