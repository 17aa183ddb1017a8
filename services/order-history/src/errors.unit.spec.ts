import { httpStatusOf, problemTitleOf } from '@seams/core'
import { orderHistoryErrorCodes } from '@shop/order-history-contracts'
import { describe, expect, it } from 'vitest'
import { orderHistoryErrors } from './errors.ts'

const statusOf = (status: number) => ({ status, title: problemTitleOf(status) })

describe('order-history errors', () => {
  it('are the codes its contract publishes, each with the status it is answered with', () => {
    const defined = Object.fromEntries([
      ...orderHistoryErrors.map((error) => [error.code, statusOf(httpStatusOf(error.category))]),
    ])
    const published = Object.fromEntries(
      Object.entries(orderHistoryErrorCodes).map(([code, { status, title }]) => [code, { status, title }]),
    )
    expect(defined).toEqual(published)
  })
})
