import { httpStatusOf, problemTitleOf } from '@seams/core'
import { describe, expect, it } from 'vitest'
import { gatewayErrorCodes, gatewayErrors, RATE_LIMITED_CODE } from './errors.ts'

const statusOf = (status: number) => ({ status, title: problemTitleOf(status) })

describe('gateway errors', () => {
  it('are the codes the gateway publishes, each with the status it is answered with', () => {
    const defined = Object.fromEntries([
      ...gatewayErrors.map((error) => [error.code, statusOf(httpStatusOf(error.category))]),
      [RATE_LIMITED_CODE, statusOf(429)],
    ])
    const published = Object.fromEntries(
      Object.entries(gatewayErrorCodes).map(([code, { status, title }]) => [code, { status, title }]),
    )
    expect(defined).toEqual(published)
    expect(Object.keys(published).every((code) => code.startsWith('GATEWAY_'))).toBe(true)
  })
})
