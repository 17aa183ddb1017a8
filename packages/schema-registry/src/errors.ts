import { defineError, type SeamsErrorClass } from '@seams/core'

export const UnknownSchema = defineError(
  'UnknownSchema',
  'SEAMS_SCHEMA_UNKNOWN',
  'validation',
  'The event names a schema this consumer does not know',
)
export const SchemaViolation = defineError(
  'SchemaViolation',
  'SEAMS_SCHEMA_VIOLATION',
  'validation',
  'The event data does not match its schema',
)
export const MissingUpcaster = defineError(
  'MissingUpcaster',
  'SEAMS_SCHEMA_MISSING_UPCASTER',
  'illegal_state',
  'No upcaster between two versions',
)

export const schemaRegistryErrors: readonly SeamsErrorClass[] = [UnknownSchema, SchemaViolation, MissingUpcaster]
