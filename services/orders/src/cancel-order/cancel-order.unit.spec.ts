import { describe, expect, it } from 'vitest'
import { decideCancel } from './cancel-order.ts'

describe('decideCancel', () => {
  it('cancels a pending order at once and a confirmed one through the cancellation saga', () => {
    expect(decideCancel({ status: 'PENDING', cancelRequested: false })).toEqual({ action: 'cancel-now' })
    expect(decideCancel({ status: 'CONFIRMED', cancelRequested: false })).toEqual({ action: 'start-cancellation' })
  })

  it('treats a repeated request as done and refuses a rejected order', () => {
    expect(decideCancel({ status: 'CONFIRMED', cancelRequested: true })).toEqual({ action: 'already' })
    expect(decideCancel({ status: 'CANCELLED', cancelRequested: false })).toEqual({ action: 'already' })
    expect(decideCancel({ status: 'REJECTED', cancelRequested: false }).action).toBe('refuse')
  })
})
