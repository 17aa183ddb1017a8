import { describe, expect, it } from 'vitest'
import { decodeCursor, encodeCursor } from './history-cursor.ts'

const key = { placedAt: '2025-01-01T12:00:00.123Z', orderId: '0190a0b0-0000-7000-8000-000000000001' }
const raw = (text: string) => Buffer.from(text).toString('base64url')

describe('history cursor', () => {
  it('gives back the key it was made from', () => {
    expect(decodeCursor(encodeCursor(key))).toEqual(key)
  })

  it('refuses anything this service cannot have issued', () => {
    for (const text of [
      '',
      key.orderId,
      `${key.placedAt}|not-a-uuid`,
      `2025-01-01|${key.orderId}`,
      `2025-02-30T12:00:00.000Z|${key.orderId}`,
      `${key.placedAt}|${key.orderId}|extra`,
      `${key.placedAt}|${key.orderId.toUpperCase()}`,
    ]) {
      expect(decodeCursor(raw(text)), text).toBeUndefined()
    }
    expect(decodeCursor('%%%')).toBeUndefined()
  })
})
