import { dataschemaOf, schemaId, type EventContract } from '@seams/core'
import { findBreakingChanges } from './compatibility.ts'
import type { Upcaster } from './upcaster.ts'

export interface ProducerContracts {
  producer: string
  contracts: readonly EventContract[]
  upcasters?: readonly Upcaster[]
}

export interface ContractCheckResult {
  /** Problems that must fail the build. */
  problems: string[]
  /** Contracts with no recorded baseline yet: recording them is a deliberate act. */
  unrecorded: EventContract[]
}

/**
 * Checks a producer's published contracts against their recorded baselines: a recorded version may
 * only change compatibly, versions of a type are consecutive from 1, and each version after the first
 * has an upcaster from the one before.
 */
export function checkContracts(
  producer: ProducerContracts,
  baselineOf: (schemaId: string) => unknown,
): ContractCheckResult {
  const problems: string[] = []
  const unrecorded: EventContract[] = []
  const upcasters = new Set((producer.upcasters ?? []).map((upcaster) => schemaId(upcaster.from)))
  const versions = new Map<string, number[]>()
  for (const contract of producer.contracts) {
    const id = schemaId(contract)
    if (contract.source !== producer.producer)
      problems.push(`${id}: source ${contract.source} is not its producer ${producer.producer}`)
    if (!contract.type.startsWith(`${producer.producer}.`))
      problems.push(`${id}: type must start with ${producer.producer}.`)
    versions.set(contract.type, [...(versions.get(contract.type) ?? []), contract.version])
    const baseline = baselineOf(id)
    if (baseline === undefined) unrecorded.push(contract)
    else
      problems.push(
        ...findBreakingChanges(baseline, JSON.parse(JSON.stringify(contract.schema))).map(
          (problem) => `${id} ${problem}`,
        ),
      )
  }
  for (const [type, list] of versions) {
    const sorted = [...list].sort((a, b) => a - b)
    sorted.forEach((version, index) => {
      if (version !== index + 1) problems.push(`${type}: versions must run 1, 2, 3...; found ${sorted.join(', ')}`)
      else if (version > 1 && !upcasters.has(`${type}.v${version - 1}`))
        problems.push(`${type}.v${version}: needs an upcaster from v${version - 1}`)
    })
  }
  return { problems: [...new Set(problems)], unrecorded }
}

export interface RegistryEntry {
  schemaId: string
  dataschema: string
  type: string
  version: number
  producer: string
  consumers: string[]
  description: string
}

/** Every event type and version, who produces it and who consumes it. */
export function buildRegistry(
  producers: readonly ProducerContracts[],
  consumers: Readonly<Record<string, readonly string[]>>,
): RegistryEntry[] {
  return producers
    .flatMap((producer) => producer.contracts.map((contract) => ({ producer: producer.producer, contract })))
    .map(({ producer, contract }) => ({
      schemaId: schemaId(contract),
      dataschema: dataschemaOf(contract),
      type: contract.type,
      version: contract.version,
      producer,
      consumers: Object.entries(consumers)
        .filter(([, types]) => types.includes(contract.type))
        .map(([consumer]) => consumer)
        .sort(),
      description: contract.description ?? '',
    }))
    .sort((a, b) => a.schemaId.localeCompare(b.schemaId))
}

/** Consumers may only subscribe to types some producer publishes. */
export function findUnknownSubscriptions(
  producers: readonly ProducerContracts[],
  consumers: Readonly<Record<string, readonly string[]>>,
): string[] {
  const published = new Set(producers.flatMap((producer) => producer.contracts.map((contract) => contract.type)))
  return Object.entries(consumers).flatMap(([consumer, types]) =>
    types.filter((type) => !published.has(type)).map((type) => `${consumer} consumes ${type}, which nobody publishes`),
  )
}
