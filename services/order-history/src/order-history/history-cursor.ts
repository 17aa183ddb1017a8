// Keyset cursor for "newest first": the last entry's (placedAt, orderId). Opaque to clients, so its
// shape may change; whatever they send back is checked before it reaches a query.

export interface CursorKey {
  placedAt: string
  orderId: string
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
// Only the exact form Date#toISOString writes, which is also how entries' times are stored (ms).
const isInstant = (text: string) => !Number.isNaN(Date.parse(text)) && new Date(text).toISOString() === text

export const encodeCursor = (key: CursorKey): string =>
  Buffer.from(`${key.placedAt}|${key.orderId}`).toString('base64url')

/** The key the cursor names, or undefined when this service cannot have issued it. */
export function decodeCursor(cursor: string): CursorKey | undefined {
  const [placedAt, orderId, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|')
  if (placedAt === undefined || orderId === undefined || rest.length > 0) return undefined
  if (!isInstant(placedAt) || !uuid.test(orderId)) return undefined
  return { placedAt, orderId }
}
