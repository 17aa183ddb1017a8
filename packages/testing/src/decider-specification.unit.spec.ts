import { describe, expect, it } from 'vitest'
import { DeciderSpecification } from './decider-specification.ts'

// A counter that refuses to go past 2, to prove the specification judges what the decider decides.
const counter = {
  initialState: () => 0,
  evolve: (count: number, event: { type: 'Counted' }) => (event.type === 'Counted' ? count + 1 : count),
  decide(command: { type: 'Count' | 'Look' }, count: number): { type: 'Counted' }[] {
    if (command.type === 'Look') return []
    if (count >= 2) throw new RangeError(`already ${count}`)
    return [{ type: 'Counted' }]
  },
}
const given = DeciderSpecification.for(counter)
const counted = { type: 'Counted' } as const

describe('DeciderSpecification', () => {
  it('builds the state from the given events and compares the decisions', () => {
    given([counted]).when({ type: 'Count' }).then(counted)
    expect(() => given([counted]).when({ type: 'Count' }).then([counted, counted])).toThrow()
  })

  it('tells nothing happened from something happening', () => {
    given([]).when({ type: 'Look' }).thenNothingHappened()
    expect(() => given([]).when({ type: 'Count' }).thenNothingHappened()).toThrow()
  })

  it('expects a throw of the given class matching the check, and fails when none comes', () => {
    given([counted, counted])
      .when({ type: 'Count' })
      .thenThrows(RangeError, (error) => error.message === 'already 2')
    expect(() => given([counted, counted]).when({ type: 'Count' }).thenThrows(TypeError)).toThrow()
    expect(() =>
      given([counted, counted])
        .when({ type: 'Count' })
        .thenThrows(RangeError, () => false),
    ).toThrow()
    expect(() => given([]).when({ type: 'Count' }).thenThrows()).toThrow(/expected the decider to throw/)
  })
})
