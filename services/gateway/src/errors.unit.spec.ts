import { assertUniqueCodes } from '@seams/core'
import { describe, expect, it } from 'vitest'
import { gatewayErrors, RATE_LIMITED_CODE } from './errors.ts'

describe('gateway errors', () => {
  it('have unique codes owned by this service', () => {
    expect(() => assertUniqueCodes(gatewayErrors)).not.toThrow()
    expect(gatewayErrors.every((error) => error.code.startsWith('GATEWAY_'))).toBe(true)
    expect(gatewayErrors.map((error) => error.code)).not.toContain(RATE_LIMITED_CODE)
  })
})
