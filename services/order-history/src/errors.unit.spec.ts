import { describe, expect, it } from 'vitest'
import { orderHistoryErrors } from './errors.ts'

describe('order-history errors', () => {
  it('have codes owned by this service', () => {
    expect(orderHistoryErrors.every((error) => error.code.startsWith('ORDER_HISTORY_'))).toBe(true)
  })
})
