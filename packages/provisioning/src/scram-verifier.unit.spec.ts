import { describe, expect, it } from 'vitest'
import { scramVerifier } from './scram-verifier.ts'

describe('scramVerifier', () => {
  it('has the form PostgreSQL stores, and neither holds nor repeats the password', () => {
    const verifier = scramVerifier('a-role-password-1234')
    expect(verifier).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$/)
    expect(verifier).not.toContain('a-role-password-1234')
    expect(scramVerifier('a-role-password-1234')).not.toBe(verifier)
  })

  it('depends only on the password, salt and iterations', () => {
    const salt = Buffer.from('0123456789abcdef')
    expect(scramVerifier('pencil', salt)).toBe(scramVerifier('pencil', salt))
    expect(scramVerifier('pencil', salt)).not.toBe(scramVerifier('pencil2', salt))
  })
})
