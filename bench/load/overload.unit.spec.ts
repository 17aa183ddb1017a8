import { describe, expect, it } from 'vitest'
import { histogram, type LoadResult, type SecondFigures } from './recorder.ts'
import { overloadFigures, recoveryOf } from './overload.ts'

const second = (index: number, figures: Partial<SecondFigures>): SecondFigures => ({
  second: index + 1,
  sent: 100,
  ok: 100,
  errors: 0,
  shed: 0,
  p50: 5,
  p99: 20,
  okP99: 20,
  ...figures,
})
const result = (timeline: SecondFigures[]): LoadResult => ({
  attempted: timeline.reduce((sum, s) => sum + s.sent, 0),
  succeeded: timeline.reduce((sum, s) => sum + s.ok, 0),
  errors: {},
  seconds: timeline.length,
  overall: histogram(),
  byEndpoint: {},
  timeline,
  perSecondP99: undefined,
  firstSeconds: undefined,
  logins: undefined,
})

describe('overload figures', () => {
  it('tell shed requests from other errors, and what admitted clients saw', () => {
    const figures = overloadFigures(
      200,
      result([
        second(0, { ok: 60, errors: 40, shed: 30, okP99: 80 }),
        second(1, { ok: 50, errors: 50, shed: 50, okP99: 120 }),
        second(2, { ok: 70, errors: 30, shed: 30, okP99: 90 }),
      ]),
    )
    expect(figures).toMatchObject({ shedShare: 0.3667, otherErrors: 10, admittedP99: { median: 90, max: 120 } })
  })

  it('count the recovery from the first second after which every second was normal', () => {
    const after = result([
      second(0, { errors: 3 }),
      second(1, { p99: 500 }),
      second(2, {}),
      second(3, { errors: 1 }),
      second(4, {}),
      second(5, {}),
    ])
    expect(recoveryOf(after, 30, 0)).toEqual({ seconds: 4, p99BoundMs: 100, circuitsNotClosed: 0 })
    expect(recoveryOf(result([second(0, {}), second(1, { errors: 2 })]), 80, 1)).toEqual({
      seconds: undefined,
      p99BoundMs: 160,
      circuitsNotClosed: 1,
    })
  })
})
