import { describe, expect, it } from 'vitest'
import { stopAll } from './bootstrap.ts'

describe('stopping a service', () => {
  it('runs every stop in turn even when one fails, then reports the failures together', async () => {
    const ran: string[] = []
    const stopping = stopAll('spec', [
      () => ran.push('app'),
      async () => {
        ran.push('consumers')
        throw new Error('consumer did not stop')
      },
      async () => ran.push('pool'),
    ])
    await expect(stopping).rejects.toThrow(AggregateError)
    await stopping.catch((error: AggregateError) => {
      expect(error.message).toBe('spec did not stop cleanly')
      expect(error.errors.map((cause: Error) => cause.message)).toEqual(['consumer did not stop'])
    })
    expect(ran).toEqual(['app', 'consumers', 'pool'])
  })

  it('resolves when every stop does', async () => {
    await expect(stopAll('spec', [() => undefined, async () => undefined])).resolves.toBeUndefined()
  })
})
