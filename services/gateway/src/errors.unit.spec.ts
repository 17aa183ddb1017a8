import { describe, expect, it } from 'vitest'
import { gatewayErrors, RATE_LIMITED_CODE } from './errors.ts'

describe('gateway errors', () => {
  it('have codes owned by this service', () => {
    expect(gatewayErrors.every((error) => error.code.startsWith('GATEWAY_'))).toBe(true)
    expect(gatewayErrors.map((error) => error.code)).not.toContain(RATE_LIMITED_CODE)
  })
})
