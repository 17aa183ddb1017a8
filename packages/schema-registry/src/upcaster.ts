import type { EventContract, EventData } from '@seams/core'

/**
 * Turns data of one version of an event into the next version. Declared by the producer next to the
 * two contracts, so that consumers written for the new version still accept events already stored in
 * the old one (outbox history, streams, replays).
 */
export interface Upcaster<From extends EventContract = EventContract, To extends EventContract = EventContract> {
  from: From
  to: To
  upcast(data: EventData<From>): EventData<To>
}

export function defineUpcaster<From extends EventContract, To extends EventContract>(
  upcaster: Upcaster<From, To>,
): Upcaster {
  if (upcaster.from.type !== upcaster.to.type || upcaster.to.version !== upcaster.from.version + 1) {
    throw new TypeError(
      'an upcaster goes from one version of a type to the next, ' +
        `not ${upcaster.from.type}.v${upcaster.from.version} to ${upcaster.to.type}.v${upcaster.to.version}`,
    )
  }
  return upcaster as unknown as Upcaster
}
