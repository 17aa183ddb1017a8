import type { Static, TSchema } from 'typebox'
import { InvalidEvent } from './errors.ts'
import type { Clock, IdGenerator } from './ids.ts'

/**
 * A published event type at one version. Contracts packages declare these as plain objects so that
 * they depend on nothing but the schema library; once published, an entry never changes.
 */
export interface EventContract<S extends TSchema = TSchema> {
  /** The producing service, e.g. `orders`. */
  readonly source: string
  /** `<service>.<PastTenseName>`, e.g. `orders.OrderPlaced`. */
  readonly type: string
  readonly version: number
  readonly schema: S
  readonly description?: string
}

export type EventData<C extends EventContract> = Static<C['schema']>

/** CloudEvents 1.0 structured JSON, with the aggregate version and W3C trace context as extensions. */
export interface EventEnvelope<D = unknown> {
  specversion: '1.0'
  id: string
  source: string
  type: string
  /** The aggregate the event is about. */
  subject: string
  time: string
  datacontenttype: 'application/json'
  /** `urn:seams:<type>.v<N>`: names the exact schema the data follows. */
  dataschema: string
  /** 1 for an aggregate's first event, +1 for each later one; consumers use it to refuse stale events. */
  aggregateversion: number
  traceparent?: string
  data: D
}

/** An envelope as a transport delivers it: with its position in the producer's ordered feed. */
export interface DeliveredEvent<D = unknown> extends EventEnvelope<D> {
  position: number
}

export function schemaId(contract: Pick<EventContract, 'type' | 'version'>): string {
  return `${contract.type}.v${contract.version}`
}

export function dataschemaOf(contract: Pick<EventContract, 'type' | 'version'>): string {
  return `urn:seams:${schemaId(contract)}`
}

const dataschemaPattern = /^urn:seams:(.+)\.v(\d+)$/

/** Reads the type and version an envelope claims its data follows. */
export function parseDataschema(dataschema: string): { type: string; version: number } {
  const match = dataschemaPattern.exec(dataschema)
  if (match === null) throw new InvalidEvent(`dataschema ${JSON.stringify(dataschema)} is not urn:seams:<type>.v<N>`)
  return { type: match[1]!, version: Number(match[2]) }
}

export interface NewEvent<C extends EventContract> {
  subject: string
  aggregateVersion: number
  data: EventData<C>
  traceparent?: string | undefined
}

export interface EnvelopeFactoryDeps {
  newId: IdGenerator
  now: Clock
}

/** Builds a typed envelope for `contract`. Validation against the schema happens in the outbox. */
export function createEnvelope<C extends EventContract>(
  deps: EnvelopeFactoryDeps,
  contract: C,
  event: NewEvent<C>,
): EventEnvelope<EventData<C>> {
  const envelope: EventEnvelope<EventData<C>> = {
    specversion: '1.0',
    id: deps.newId(),
    source: contract.source,
    type: contract.type,
    subject: event.subject,
    time: deps.now().toISOString(),
    datacontenttype: 'application/json',
    dataschema: dataschemaOf(contract),
    aggregateversion: event.aggregateVersion,
    data: event.data,
  }
  if (event.traceparent !== undefined) envelope.traceparent = event.traceparent
  return envelope
}
