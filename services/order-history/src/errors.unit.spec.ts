import { assertUniqueCodes } from '@seams/core'
import { describe, expect, it } from 'vitest'
import { orderHistoryErrors } from './errors.ts'

describe('order-history errors', () => {
  it('have unique codes owned by this service', () => {
    expect(() => assertUniqueCodes(orderHistoryErrors)).not.toThrow()
    expect(orderHistoryErrors.every((error) => error.code.startsWith('ORDER_HISTORY_'))).toBe(true)
  })
})
