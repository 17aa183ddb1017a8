const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** A page cursor naming the last id of the page (ids are time-ordered, so pages go newest first). */
export const encodeIdCursor = (id: string): string => Buffer.from(id).toString('base64url')

/** The id a cursor names; undefined when it is not one this topology issued. */
export function decodeIdCursor(cursor: string): string | undefined {
  const id = Buffer.from(cursor, 'base64url').toString('utf8')
  return uuid.test(id) && encodeIdCursor(id) === cursor ? id : undefined
}
