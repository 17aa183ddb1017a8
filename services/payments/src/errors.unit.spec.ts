import { httpStatusOf, problemTitleOf } from '@seams/core'
import { paymentsErrorCodes } from '@shop/payments-contracts'
import { describe, expect, it } from 'vitest'
import { paymentsErrors } from './errors.ts'

const statusOf = (status: number) => ({ status, title: problemTitleOf(status) })

describe('payments errors', () => {
  it('are the codes its contract publishes, each with the status it is answered with', () => {
    const defined = Object.fromEntries([
      ...paymentsErrors.map((error) => [error.code, statusOf(httpStatusOf(error.category))]),
    ])
    const published = Object.fromEntries(
      Object.entries(paymentsErrorCodes).map(([code, { status, title }]) => [code, { status, title }]),
    )
    expect(defined).toEqual(published)
  })
})
