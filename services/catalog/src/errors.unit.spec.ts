import { httpStatusOf, problemTitleOf } from '@seams/core'
import { catalogErrorCodes } from '@shop/catalog-contracts'
import { describe, expect, it } from 'vitest'
import { catalogErrors } from './errors.ts'

const statusOf = (status: number) => ({ status, title: problemTitleOf(status) })

describe('catalog errors', () => {
  it('are the codes its contract publishes, each with the status it is answered with', () => {
    const defined = Object.fromEntries([
      ...catalogErrors.map((error) => [error.code, statusOf(httpStatusOf(error.category))]),
    ])
    const published = Object.fromEntries(
      Object.entries(catalogErrorCodes).map(([code, { status, title }]) => [code, { status, title }]),
    )
    expect(defined).toEqual(published)
  })
})
