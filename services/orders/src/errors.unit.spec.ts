import { httpStatusOf, problemTitleOf } from '@seams/core'
import { ordersErrorCodes } from '@shop/orders-contracts'
import { describe, expect, it } from 'vitest'
import { ordersErrors } from './errors.ts'

const statusOf = (status: number) => ({ status, title: problemTitleOf(status) })

describe('orders errors', () => {
  it('are the codes its contract publishes, each with the status it is answered with', () => {
    const defined = Object.fromEntries([
      ...ordersErrors.map((error) => [error.code, statusOf(httpStatusOf(error.category))]),
    ])
    const published = Object.fromEntries(
      Object.entries(ordersErrorCodes).map(([code, { status, title }]) => [code, { status, title }]),
    )
    expect(defined).toEqual(published)
  })
})
