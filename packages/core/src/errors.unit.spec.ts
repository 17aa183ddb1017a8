import { describe, expect, it } from 'vitest'
import { defineError, SeamsError } from './errors.ts'

describe('defineError', () => {
  it('makes a SeamsError subclass carrying its code, category and cause', () => {
    const SpecTimedOut = defineError('SpecTimedOut', 'SPEC_TIMED_OUT', 'unavailable', 'Timed out')
    const cause = new Error('socket closed')
    const error = new SpecTimedOut(undefined, { cause, details: { after: 5 } })
    expect(error).toBeInstanceOf(SeamsError)
    expect(error).toMatchObject({ name: 'SpecTimedOut', code: 'SPEC_TIMED_OUT', category: 'unavailable' })
    expect(error.message).toBe('Timed out')
    expect(error.cause).toBe(cause)
    expect(error.details).toEqual({ after: 5 })
  })

  it('refuses a code that is already defined, so a clash fails at import', () => {
    defineError('SpecFirst', 'SPEC_CLASH', 'conflict', 'First')
    expect(() => defineError('SpecSecond', 'SPEC_CLASH', 'conflict', 'Second')).toThrow(/already used by SpecFirst/)
  })

  it('refuses a code without an owner prefix', () => {
    expect(() => defineError('Bad', 'bad-code', 'conflict', 'Bad')).toThrow(/OWNER_WHAT/)
  })
})
