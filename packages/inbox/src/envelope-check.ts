import { createHash } from 'node:crypto'

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const typePattern = /^[\w-]+(\.[\w-]+)+$/
const maxSubjectLength = 1000

/**
 * What is wrong with the envelope of a delivered message, empty when nothing is. Only the fields the
 * consumer itself relies on are checked (dataschema and data are the decoder's business): the id keys the
 * inbox, type picks the handler, subject and aggregate version are what replicas order by. Whatever a
 * producer or a transport hands over is untrusted until this passes.
 */
export function envelopeProblems(candidate: unknown): string[] {
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) return ['not a JSON object']
  const fields = candidate as Record<string, unknown>
  // Transports hand over what they could not parse as an object under `malformed` (see the feed reader).
  if (fields['malformed'] !== undefined)
    return [`not a JSON object envelope: ${JSON.stringify(fields['malformed']).slice(0, 200)}`]
  const problems: string[] = []
  const { id, type, subject, aggregateversion: version } = fields
  if (typeof id !== 'string' || !uuidPattern.test(id)) problems.push(`id must be a UUID, got ${shown(id)}`)
  if (typeof type !== 'string' || !typePattern.test(type))
    problems.push(`type must look like <service>.<Event>, got ${shown(type)}`)
  // NUL is the one character no PostgreSQL text column can hold: such a subject could never be stored.
  if (
    typeof subject !== 'string' ||
    subject.length === 0 ||
    subject.length > maxSubjectLength ||
    subject.includes('\u0000')
  ) {
    problems.push(
      `subject must be a non-empty string of at most ${maxSubjectLength} characters without NUL, got ${shown(subject)}`,
    )
  }
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1)
    problems.push(`aggregateversion must be a positive integer, got ${shown(version)}`)
  return problems
}

/**
 * The id a malformed message is dead-lettered under: its own id cannot be trusted (or is missing), and a
 * random one would give each redelivery a dead letter of its own. Derived from where the message sits,
 * which a redelivery shares: the transport, the producer and the position (feed position or stream
 * sequence). Formatted as an RFC 9562 version 8 (custom) UUID, so it fits the inbox's uuid columns.
 */
export function syntheticEventId(origin: { transport: string; source: string; position: number }): string {
  const hex = createHash('sha256')
    .update(`seams.malformed\u0000${origin.transport}\u0000${origin.source}\u0000${origin.position}`)
    .digest('hex')
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)
  const leading = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}`
  return `${leading}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

/**
 * The message as a dead letter can keep it: PostgreSQL text and jsonb refuse NUL characters, and a dead
 * letter that cannot be written would have the batch delivered again forever. No handler could have stored
 * such a string either, so nothing a retry could use is lost.
 */
export function storable<T>(value: T): T {
  const text = JSON.stringify(value, (_key, field: unknown) =>
    typeof field === 'string' && field.includes('\u0000') ? field.replaceAll('\u0000', '\uFFFD') : field,
  )
  return (text === undefined ? null : JSON.parse(text)) as T
}

const shown = (value: unknown) =>
  value === undefined ? 'nothing' : (JSON.stringify(value)?.slice(0, 100) ?? String(value))
