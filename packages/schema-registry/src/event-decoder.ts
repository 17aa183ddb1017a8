import { dataschemaOf, parseDataschema, schemaId, type DeliveredEvent, type EventContract } from '@seams/core'
import { Compile } from 'typebox/compile'
import { MissingUpcaster, SchemaViolation, UnknownSchema } from './errors.ts'
import type { Upcaster } from './upcaster.ts'

export interface EventDecoderOptions {
  /** The version of each type the consumer's handlers are written for. */
  wanted: readonly EventContract[]
  /** Older versions the consumer still accepts, with the upcasters that bring them to the wanted version. */
  older?: readonly EventContract[]
  upcasters?: readonly Upcaster[]
}

export interface EventDecoder {
  /** The types the consumer handles. */
  readonly types: readonly string[]
  /**
   * Validates an event against the schema it names and brings it to the wanted version.
   * Throws UnknownSchema or SchemaViolation: such an event can never be handled, so it is dead-lettered.
   */
  decode(event: DeliveredEvent): DeliveredEvent
}

export function createEventDecoder(options: EventDecoderOptions): EventDecoder {
  const wanted = new Map(options.wanted.map((contract) => [contract.type, contract]))
  const known = new Map(
    [...(options.older ?? []), ...options.wanted].map((contract) => [
      schemaId(contract),
      { contract, validator: Compile(contract.schema) },
    ]),
  )
  const upcasters = new Map((options.upcasters ?? []).map((upcaster) => [schemaId(upcaster.from), upcaster]))

  for (const contract of options.older ?? []) {
    const target = wanted.get(contract.type)
    if (target === undefined || contract.version >= target.version)
      throw new TypeError(`${schemaId(contract)} is not older than a wanted version`)
    for (let version = contract.version; version < target.version; version += 1) {
      if (!upcasters.has(`${contract.type}.v${version}`))
        throw new MissingUpcaster(`no upcaster from ${contract.type}.v${version} to v${version + 1}`)
    }
  }

  function validate(id: string, data: unknown): void {
    const entry = known.get(id)
    if (entry === undefined) throw new UnknownSchema(`this consumer does not accept ${id}`)
    if (!entry.validator.Check(data)) {
      const problems = [...entry.validator.Errors(data)]
        .slice(0, 5)
        .map((error) => `${error.instancePath || '/'} ${error.message}`)
      throw new SchemaViolation(`${id} data is invalid: ${problems.join('; ')}`)
    }
  }

  return {
    types: [...wanted.keys()],
    decode(event) {
      const { type, version } = parseDataschema(event.dataschema)
      if (type !== event.type)
        throw new SchemaViolation(`dataschema ${event.dataschema} does not match type ${event.type}`)
      const target = wanted.get(type)
      if (target === undefined) throw new UnknownSchema(`this consumer does not handle ${type}`)
      if (version > target.version)
        throw new UnknownSchema(`${type}.v${version} is newer than the v${target.version} this consumer understands`)
      validate(`${type}.v${version}`, event.data)
      if (version === target.version) return event
      let data = event.data
      for (let current = version; current < target.version; current += 1)
        data = upcasters.get(`${type}.v${current}`)!.upcast(data as never)
      validate(schemaId(target), data)
      return { ...event, dataschema: dataschemaOf(target), data }
    },
  }
}
