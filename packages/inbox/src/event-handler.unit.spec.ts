import { SeamsError } from '@seams/core'
import { SchemaViolation } from '@seams/schema-registry'
import { describe, expect, it } from 'vitest'
import { NotConsumerLeader } from './errors.ts'
import { isInfrastructureError } from './event-handler.ts'

describe('isInfrastructureError', () => {
  it('knows a lost leadership by its class, not by a code that anything could carry', () => {
    expect(isInfrastructureError(new NotConsumerLeader())).toBe(true)
    expect(isInfrastructureError(new SeamsError(NotConsumerLeader.code, 'unavailable', 'look-alike'))).toBe(false)
  })

  it('counts database and network failures, and nothing the event is to blame for', () => {
    expect(isInfrastructureError(Object.assign(new Error('serialization failure'), { code: '40001' }))).toBe(true)
    expect(isInfrastructureError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe(true)
    expect(isInfrastructureError(new SchemaViolation())).toBe(false)
    expect(isInfrastructureError(new Error('the handler failed'))).toBe(false)
  })
})
