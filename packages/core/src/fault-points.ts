/**
 * Names a moment at which a crash must not lose or repeat work: `<component>.<moment>`, then what it is about,
 * e.g. `saga.step-done:checkout:reserve-stock` (a saga step took effect, not yet recorded). Later points follow
 * the same form: `relay.published` (handed to the transport, not yet stamped), `consumer.applied` (committed,
 * not yet acknowledged), `outbox.committed` (a business transaction committed, not yet relayed).
 */
export type FaultPointName = `${string}.${string}`

type FaultPointHandler = (name: FaultPointName) => void

let handler: FaultPointHandler | undefined

/**
 * Marks a named moment where a fault test may crash the process. A no-op, costing one check, unless a test
 * harness armed it: production code never does (see `@seams/testing`'s `faultPointEnvironment`, which loads
 * the arming module into the process under test only).
 */
export function faultPoint(name: FaultPointName): void {
  handler?.(name)
}

/**
 * For test harnesses only: `armed` is called at every fault point the process passes, and may end it there.
 * Returns what disarms it.
 */
export function armFaultPoints(armed: FaultPointHandler): () => void {
  handler = armed
  return () => {
    if (handler === armed) handler = undefined
  }
}
