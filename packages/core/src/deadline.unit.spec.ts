import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { withDeadline } from './deadline.ts'

const waitForAbort = (signal: AbortSignal) =>
  new Promise<never>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)))

describe('withDeadline', () => {
  it('gives the work its answer when it settles in time', async () => {
    expect(await withDeadline(1000, async () => 'answer')).toBe('answer')
  })

  it('aborts the work with a TimeoutError once the time is up', async () => {
    const error = await withDeadline(20, waitForAbort).catch((caught: unknown) => caught)
    expect(error).toMatchObject({ name: 'TimeoutError' })
  })

  it('aborts the work when the parent signal aborts, with its reason', async () => {
    const parent = new AbortController()
    const running = withDeadline(10_000, waitForAbort, parent.signal)
    parent.abort(new Error('client went away'))
    await expect(running).rejects.toThrow('client went away')
  })

  it('starts aborted under a parent that already aborted', async () => {
    const parent = AbortSignal.abort(new Error('too late'))
    await expect(withDeadline(10_000, async (signal) => signal.aborted, parent)).resolves.toBe(true)
  })

  it('leaves no listener on the parent once the work settled', async () => {
    const parent = new AbortController()
    let signal: AbortSignal | undefined
    await withDeadline(10_000, async (given) => (signal = given), parent.signal)
    parent.abort()
    await sleep(1)
    expect(signal!.aborted).toBe(false)
  })
})
