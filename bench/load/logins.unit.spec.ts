import { describe, expect, it } from 'vitest'
import { createLoginRotation, loginAccountsFor } from './logins.ts'

const credentials = (index: number) => ({ email: `bench-${index}@seams.bench`, password: 'secret' })

describe('login rotation', () => {
  it('takes accounts in turn and says how soon one came round again', () => {
    const rotation = createLoginRotation(3, credentials)
    const emails = [0, 1000, 2000, 3000, 4000].map(
      (at) => (JSON.parse(rotation.next(at).body!) as { email: string }).email,
    )
    expect(emails).toEqual([
      'bench-0@seams.bench',
      'bench-1@seams.bench',
      'bench-2@seams.bench',
      'bench-0@seams.bench',
      'bench-1@seams.bench',
    ])
    expect(rotation.shortestRepeatSeconds()).toBe(3)
    expect(rotation.planned()).toBe(5)
  })

  it('has no repeat before an account logs in twice', () => {
    const rotation = createLoginRotation(10, credentials)
    rotation.next(0)
    expect(rotation.shortestRepeatSeconds()).toBeUndefined()
  })

  it('asks for enough accounts that each logs in at most once per the given time', () => {
    expect(loginAccountsFor(125, 180, 5000)).toBe(22_500)
    expect(loginAccountsFor(10, 180, 5000)).toBe(5000)
  })
})
