import { describe, expect, it } from 'vitest'
import { PasswordHashingBusy, PasswordHashInvalid } from '../errors.ts'
import { formatPasswordHash, parsePasswordHash } from './password-hash.ts'
import { createPasswordHasher, DEFAULT_SCRYPT_COST } from './password-hasher.ts'

// A low cost keeps the specs fast; the format and the comparison do not depend on it.
const hasher = createPasswordHasher({ cost: 1024 })

describe('password hash format', () => {
  it('writes scrypt$N$r$p$salt$key with a 16-byte salt and reads it back', async () => {
    const stored = await hasher.hash('correct horse')
    expect(stored).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/)
    const parsed = parsePasswordHash(stored)
    expect(parsed.parameters).toEqual({ cost: 1024, blockSize: 8, parallelization: 1 })
    expect(parsed.salt).toHaveLength(16)
    expect(formatPasswordHash(parsed)).toBe(stored)
  })

  it.each([
    ['another scheme', 'bcrypt$1024$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    [
      'a cost that is not a power of two',
      'scrypt$1000$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ],
    [
      'a cost needing more memory than allowed',
      'scrypt$262144$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ],
    ['a short salt', 'scrypt$1024$8$1$AAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['a missing part', 'scrypt$1024$8$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    [
      'a salt that is not base64url',
      'scrypt$1024$8$1$AAAAAAAAAAAAAAAAAAAA+/$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ],
  ])('refuses a stored hash with %s', (_case, stored) => {
    expect(() => parsePasswordHash(stored)).toThrow(PasswordHashInvalid)
  })
})

describe('createPasswordHasher', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hasher.hash('correct horse')
    expect(await hasher.verify('correct horse', stored)).toBe(true)
    expect(await hasher.verify('correct horsE', stored)).toBe(false)
    expect(await hasher.verify('', stored)).toBe(false)
  })

  it('salts every hash, so one password never hashes the same twice', async () => {
    expect(await hasher.hash('same password')).not.toBe(await hasher.hash('same password'))
  })

  it('still verifies hashes made at an older cost after the cost changed', async () => {
    const old = await hasher.hash('kept password')
    const stronger = createPasswordHasher({ cost: 2048 })
    expect(await stronger.hash('kept password')).toMatch(/^scrypt\$2048\$/)
    expect(await stronger.verify('kept password', old)).toBe(true)
  })

  it('answers false without a stored hash, whatever the password', async () => {
    expect(await hasher.verify('anything at all', undefined)).toBe(false)
  })

  it('treats composed and decomposed Unicode as the same password', async () => {
    const stored = await hasher.hash('caf\u00e9 au lait')
    expect(await hasher.verify('cafe\u0301 au lait', stored)).toBe(true)
  })

  it("hashes at OWASP's scrypt minimum unless told otherwise, with enough memory allowed for it", async () => {
    expect(DEFAULT_SCRYPT_COST).toBe(2 ** 17)
    const stored = await createPasswordHasher().hash('at full cost')
    expect(parsePasswordHash(stored).parameters).toEqual({ cost: 131_072, blockSize: 8, parallelization: 1 })
  })

  it('asks for a new hash when the stored one was made with weaker parameters, and only then', async () => {
    const stronger = createPasswordHasher({ cost: 2048 })
    expect(stronger.needsRehash(await hasher.hash('old password'))).toBe(true)
    expect(stronger.needsRehash(await stronger.hash('new password'))).toBe(false)
    // A hash stronger than today's is kept: lowering the cost must not weaken stored hashes.
    expect(hasher.needsRehash(await stronger.hash('strong password'))).toBe(false)
  })

  it(
    'sheds hashes beyond its concurrency and queue with PasswordHashingBusy, ' + 'and serves the admitted ones',
    async () => {
      const narrow = createPasswordHasher({ cost: 1024, concurrency: 1, queue: 1 })
      const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => narrow.hash('flood')))
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(2)
      const rejected = outcomes.filter((outcome) => outcome.status === 'rejected')
      expect(rejected).toHaveLength(3)
      for (const outcome of rejected) expect(outcome.reason).toBeInstanceOf(PasswordHashingBusy)
      expect(await narrow.verify('flood', (outcomes[0] as PromiseFulfilledResult<string>).value)).toBe(true)
    },
  )
})
