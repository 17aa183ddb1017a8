/** JetStream stream of a producer: one per producing service, e.g. `orders` → `ORDERS`. */
export const streamNameOf = (source: string) => source.toUpperCase().replace(/[^A-Z0-9]/g, '_')

/** Subjects of a producer's stream: its event types, e.g. `orders.OrderPlaced`. */
export const subjectsOf = (source: string) => `${source}.>`

/** Durable consumer names may not contain dots or wildcards. */
export const durableNameOf = (consumer: string) => consumer.replace(/[^A-Za-z0-9_-]/g, '_')
