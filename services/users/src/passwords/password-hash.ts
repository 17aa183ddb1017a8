import { PasswordHashInvalid } from '../errors.ts'

/** scrypt's tuning knobs: N (CPU and memory cost), r (block size) and p (parallelisation). */
export interface ScryptParameters {
  cost: number
  blockSize: number
  parallelization: number
}

/** A stored password hash, taken apart. */
export interface PasswordHash {
  parameters: ScryptParameters
  salt: Buffer
  key: Buffer
}

const isPowerOfTwo = (value: number) => Number.isSafeInteger(value) && value > 1 && (value & (value - 1)) === 0
const base64url = /^[A-Za-z0-9_-]+$/

/** scrypt needs about 128 * N * r bytes; hashes needing more than this are refused. */
export const MAX_SCRYPT_MEMORY_BYTES = 128 * 1024 * 1024

// Bounds keep a corrupted or planted row from making one login allocate gigabytes.
const limits = { maxBlockSize: 32, maxParallelization: 16, minSaltBytes: 16, minKeyBytes: 16 }

/** `scrypt$N$r$p$salt$key`: self-describing, so hashes made under an older cost still verify. */
export function formatPasswordHash({ parameters, salt, key }: PasswordHash): string {
  const { cost, blockSize, parallelization } = parameters
  return ['scrypt', cost, blockSize, parallelization, salt.toString('base64url'), key.toString('base64url')].join('$')
}

export function parsePasswordHash(stored: string): PasswordHash {
  const parts = stored.split('$')
  const [scheme, cost, blockSize, parallelization, salt, key] = parts
  const parameters = { cost: Number(cost), blockSize: Number(blockSize), parallelization: Number(parallelization) }
  const valid =
    parts.length === 6 &&
    scheme === 'scrypt' &&
    isPowerOfTwo(parameters.cost) &&
    Number.isSafeInteger(parameters.blockSize) &&
    parameters.blockSize >= 1 &&
    parameters.blockSize <= limits.maxBlockSize &&
    128 * parameters.cost * parameters.blockSize <= MAX_SCRYPT_MEMORY_BYTES &&
    Number.isSafeInteger(parameters.parallelization) &&
    parameters.parallelization >= 1 &&
    parameters.parallelization <= limits.maxParallelization &&
    base64url.test(salt ?? '') &&
    base64url.test(key ?? '')
  if (!valid) throw new PasswordHashInvalid('A stored password hash is not scrypt$N$r$p$salt$key')
  const parsed = { parameters, salt: Buffer.from(salt!, 'base64url'), key: Buffer.from(key!, 'base64url') }
  if (parsed.salt.length < limits.minSaltBytes || parsed.key.length < limits.minKeyBytes) {
    throw new PasswordHashInvalid('A stored password hash has a salt or key that is too short')
  }
  return parsed
}
