import { assertUniqueCodes } from '@seams/core'
import { describe, expect, it } from 'vitest'
import { usersErrors } from './errors.ts'

describe('users errors', () => {
  it('have unique codes owned by this service', () => {
    expect(() => assertUniqueCodes(usersErrors)).not.toThrow()
    expect(usersErrors.every((error) => error.code.startsWith('USERS_'))).toBe(true)
  })
})
