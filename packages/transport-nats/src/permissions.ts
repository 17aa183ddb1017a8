import type { StreamNaming } from './names.ts'

/** Subjects a NATS user may publish and subscribe to, in nats-server's `permissions` shape. */
export interface NatsPermissions {
  publish: { allow: string[] }
  subscribe: { allow: string[] }
}

export interface NatsRole {
  /** The NATS user; its replies come on an inbox of its own, {@link inboxPrefixOf}. */
  user: string
  /** The source this user produces (its stream and subjects), if it publishes events. */
  produces?: string
  /** Sources whose streams this user consumes. */
  consumes: readonly string[]
}

/**
 * Where a user's replies arrive. Pull consumers deliver messages to the requester's inbox, so a user who
 * could subscribe to every `_INBOX.>` would read what other users' consumers fetch.
 */
export const inboxPrefixOf = (user: string) => `_INBOX_${user.replace(/[^A-Za-z0-9_-]/g, '_')}`

/**
 * The least a user of this transport needs: publishing its own events and managing its own stream;
 * for each source it consumes, its durables on that stream and their acknowledgements; replies on its
 * own inbox. Everything else (another producer's subjects, an undeclared stream, stream deletion or
 * purges, other users' inboxes) is refused by the server.
 */
export function natsPermissions(naming: StreamNaming, role: NatsRole): NatsPermissions {
  // Account information: asked once per connection, by the JetStream manager.
  const publish = ['$JS.API.INFO']
  const subscribe = [`${inboxPrefixOf(role.user)}.>`]
  if (role.produces !== undefined) {
    const stream = naming.stream(role.produces)
    publish.push(
      naming.subjects(role.produces),
      `$JS.API.STREAM.CREATE.${stream}`,
      `$JS.API.STREAM.INFO.${stream}`,
      // The first stored message, to check a fresh outbox does not continue another's stream.
      `$JS.API.STREAM.MSG.GET.${stream}`,
    )
  }
  for (const source of new Set(role.consumes)) {
    const stream = naming.stream(source)
    publish.push(
      `$JS.API.STREAM.INFO.${stream}`,
      // An undeliverable message, read back to be recorded as a dead letter.
      `$JS.API.STREAM.MSG.GET.${stream}`,
      // Durables are created, re-anchored (deleted and created again) and pulled from by name, under
      // both the current and the older creation API.
      `$JS.API.CONSUMER.CREATE.${stream}.>`,
      `$JS.API.CONSUMER.DURABLE.CREATE.${stream}.>`,
      `$JS.API.CONSUMER.INFO.${stream}.>`,
      `$JS.API.CONSUMER.DELETE.${stream}.>`,
      `$JS.API.CONSUMER.MSG.NEXT.${stream}.>`,
      `$JS.ACK.${stream}.>`,
    )
    subscribe.push(`$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${stream}.>`)
  }
  return { publish: { allow: [...new Set(publish)] }, subscribe: { allow: subscribe } }
}

/** Whether the server refused a request for lack of permission (rather than, say, a missing stream). */
export function isPermissionViolation(error: unknown): boolean {
  // nats.js wraps the server's refusal: a RequestError whose cause is the PermissionViolationError.
  let current = error as { name?: unknown; message?: unknown; cause?: unknown } | undefined
  for (let depth = 0; depth < 4 && current != null; depth += 1, current = current.cause as typeof current) {
    if (current.name === 'PermissionViolationError' || String(current.message).includes('Permissions Violation'))
      return true
  }
  return false
}
