/**
 * Where a producer's events live on NATS. Without a namespace: stream `ORDERS` holding subjects
 * `orders.>` (`orders.OrderPlaced`, ...). A namespace keeps several shops on one NATS server apart:
 * stream `BLUE_ORDERS`, subjects `blue.orders.>`.
 */
export interface StreamNaming {
  stream(source: string): string
  /** The filter matching all of a producer's events. */
  subjects(source: string): string
  /** The subject of one event type, e.g. `orders.OrderPlaced`. */
  subject(type: string): string
  /** The event type a subject carries: the inverse of `subject`, undefined for a subject outside the namespace. */
  typeOf(subject: string): string | undefined
}

export function streamNaming(namespace = ''): StreamNaming {
  if (namespace !== '' && !/^[a-z0-9_-]+$/.test(namespace))
    throw new TypeError(`NATS namespace ${namespace} must be lower-case letters, digits, - or _`)
  const prefix = namespace === '' ? '' : `${namespace}.`
  return {
    stream: (source) => `${prefix}${source}`.toUpperCase().replace(/[^A-Z0-9]/g, '_'),
    subjects: (source) => `${prefix}${source}.>`,
    subject: (type) => `${prefix}${type}`,
    typeOf: (subject) => (subject.startsWith(prefix) ? subject.slice(prefix.length) : undefined),
  }
}

/** Durable consumer names may not contain dots or wildcards. */
export const durableNameOf = (consumer: string) => consumer.replace(/[^A-Za-z0-9_-]/g, '_')
