import { describe, expect, it } from 'vitest'
import { usersErrors } from './errors.ts'

describe('users errors', () => {
  it('have codes owned by this service', () => {
    expect(usersErrors.every((error) => error.code.startsWith('USERS_'))).toBe(true)
  })
})
