import { expect } from 'vitest'

/**
 * A decision function with the state it decides on: `decide` answers a command in a state, `evolve`
 * folds what happened into the state, starting from `initialState()`.
 */
export interface Decider<Command, Decision, State, Event = Decision> {
  decide(command: Command, state: State): Decision | readonly Decision[]
  evolve(state: State, event: Event): State
  initialState(): State
}

export interface DeciderThen<Decision> {
  /** The decision (or decisions, in order) must equal these. */
  then(expected: Decision | readonly Decision[]): void
  /** The decider must decide nothing (an empty list). */
  thenNothingHappened(): void
  /**
   * The decider must throw: an error of this class, and matching `check` when given.
   * @default any error
   */
  thenThrows<E extends Error>(errorClass?: abstract new (...args: never[]) => E, check?: (error: E) => boolean): void
}

export type DeciderSpecification<Command, Decision, Event = Decision> = (given: Event | readonly Event[]) => {
  when(command: Command): DeciderThen<Decision>
}

const listOf = <T>(value: T | readonly T[]): readonly T[] => (Array.isArray(value) ? value : [value as T])

/**
 * Given/when/then for pure decisions, after emmett's `DeciderSpecification`: the state is built from
 * what happened before (`given`), the command is decided on it (`when`), and the decisions are compared
 * with the expected ones (`then`), e.g.
 *
 * ```ts
 * const spec = DeciderSpecification.for(paymentDecider)
 * spec([requested]).when({ type: 'Capture' }).then({ ok: false, reason: 'ILLEGAL_TRANSITION', ... })
 * ```
 */
export const DeciderSpecification = {
  for<Command, Decision, State, Event = Decision>(
    decider: Decider<Command, Decision, State, Event>,
  ): DeciderSpecification<Command, Decision, Event> {
    return (given) => ({
      when(command) {
        const decide = () =>
          decider.decide(
            command,
            listOf(given).reduce((state, event) => decider.evolve(state, event), decider.initialState()),
          )
        return {
          then(expected) {
            expect(listOf(decide())).toEqual(listOf(expected))
          },
          thenNothingHappened() {
            expect(listOf(decide())).toEqual([])
          },
          thenThrows(errorClass, check) {
            let thrown: unknown
            let decided: unknown
            try {
              decided = decide()
            } catch (error) {
              thrown = error
            }
            if (thrown === undefined)
              expect.fail(`expected the decider to throw, it decided ${JSON.stringify(decided)}`)
            if (errorClass !== undefined) expect(thrown).toBeInstanceOf(errorClass)
            if (check !== undefined) expect(check(thrown as never), `the error matches: ${String(thrown)}`).toBe(true)
          },
        }
      },
    })
  },
}
