import { httpStatusOf, problemTitleOf } from '@seams/core'
import { usersErrorCodes } from '@shop/users-contracts'
import { describe, expect, it } from 'vitest'
import { usersErrors, LOGIN_THROTTLED_CODE, REGISTRATION_THROTTLED_CODE } from './errors.ts'

const statusOf = (status: number) => ({ status, title: problemTitleOf(status) })

describe('users errors', () => {
  it('are the codes its contract publishes, each with the status it is answered with', () => {
    const defined = Object.fromEntries([
      ...usersErrors.map((error) => [error.code, statusOf(httpStatusOf(error.category))]),
      // The throttles answer 429, which no error category maps to, so they are codes rather than classes.
      [LOGIN_THROTTLED_CODE, statusOf(429)],
      [REGISTRATION_THROTTLED_CODE, statusOf(429)],
    ])
    const published = Object.fromEntries(
      Object.entries(usersErrorCodes).map(([code, { status, title }]) => [code, { status, title }]),
    )
    expect(defined).toEqual(published)
  })
})
