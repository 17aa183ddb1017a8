import { DiscardPolicy, RetentionPolicy, StorageType, type JetStreamManager } from '@nats-io/jetstream'
import { nanos } from '@nats-io/transport-node'
import type { StreamNaming } from './names.ts'

export interface StreamSettings {
  naming: StreamNaming
  duplicateWindowMs: number
  replicas: number
  maxAgeMs: number
}

/** Creates the producer's stream if it does not exist yet; an existing one is left as configured. */
export async function ensureStream(jsm: JetStreamManager, source: string, settings: StreamSettings): Promise<void> {
  const name = settings.naming.stream(source)
  try {
    await jsm.streams.info(name)
    return
  } catch (error) {
    if (!isNotFound(error)) throw error
  }
  try {
    await jsm.streams.add({
      name,
      subjects: [settings.naming.subjects(source)],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      duplicate_window: nanos(settings.duplicateWindowMs),
      num_replicas: settings.replicas,
      max_age: nanos(settings.maxAgeMs),
    })
  } catch (error) {
    // Another process created it in the meantime.
    if (!String((error as Error).message).includes('already in use')) throw error
  }
}

export function isNotFound(error: unknown): boolean {
  const text = String((error as Error)?.message ?? error)
  return text.includes('not found') || (error as { code?: unknown })?.code === '404' || (error as { status?: unknown })?.status === 404
}
