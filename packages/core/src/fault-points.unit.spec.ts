import { describe, expect, it } from 'vitest'
import { armFaultPoints, faultPoint } from './fault-points.ts'

describe('fault points', () => {
  it('do nothing until armed, then report each point passed until disarmed', () => {
    const passed: string[] = []
    faultPoint('saga.step-done:checkout:before-arming')
    const disarm = armFaultPoints((name) => passed.push(name))
    faultPoint('saga.step-done:checkout:reserve-stock')
    faultPoint('relay.published')
    disarm()
    faultPoint('saga.step-done:checkout:after-disarming')
    expect(passed).toEqual(['saga.step-done:checkout:reserve-stock', 'relay.published'])
  })
})
