import { v7 } from 'uuid'

/** Generates identifiers; injected so that specs can be deterministic. */
export type IdGenerator = () => string

/** Time-ordered UUIDs (v7) keep primary-key indexes append-mostly. */
export const newId: IdGenerator = () => v7()

/** Reads the current time; injected so that specs can be deterministic. */
export type Clock = () => Date

export const systemClock: Clock = () => new Date()
