import { randomBytes, randomUUID, scrypt, timingSafeEqual } from 'node:crypto'
import { bulkhead, isBulkheadRejectedError } from 'cockatiel'
import { PasswordHashingBusy } from '../errors.ts'
import { formatPasswordHash, parsePasswordHash, type ScryptParameters } from './password-hash.ts'

export interface PasswordHasher {
  /** A new salted hash of `password` at the configured cost. Throws PasswordHashingBusy when shed. */
  hash(password: string): Promise<string>
  /**
   * Whether `password` matches `stored`. Without a stored hash it does the same work against a dummy
   * hash and answers false, so that callers cannot be timed into revealing which accounts exist.
   * Throws PasswordHashingBusy when shed.
   */
  verify(password: string, stored: string | undefined): Promise<boolean>
  /** Whether `stored` was made with weaker parameters than new hashes get, and should be made again. */
  needsRehash(stored: string): boolean
}

/** Today's OWASP minimum for scrypt (Password Storage Cheat Sheet): N = 2^17, r = 8, p = 1, about 128 MiB. */
export const DEFAULT_SCRYPT_COST = 2 ** 17

/** What a shed caller is told to wait: a full queue drains in about that long at the default cost. */
export const HASHING_RETRY_AFTER_SECONDS = 2

export interface PasswordHasherOptions {
  /**
   * scrypt N for new hashes; a power of two. Raising it leaves existing hashes verifiable, and they are
   * made again at the new cost on their next successful login. Only tests should pass less.
   * @default 131072 (2^17)
   */
  cost?: number
  /**
   * Hashes computed at once. Each holds a libuv thread (4 by default, shared with file and DNS work)
   * and about 128 * N * r bytes (128 MiB at the default cost) for its duration.
   * @default 2
   */
  concurrency?: number
  /**
   * Hashes waiting for a slot; beyond that a hash is refused at once with PasswordHashingBusy rather than
   * queued behind work its caller will have given up on. At the default cost a full queue drains in about
   * queue / concurrency * 0.45 s on one core per hash, within the gateway's 3 s deadline.
   * @default 8
   */
  queue?: number
}

const SALT_BYTES = 16
const KEY_BYTES = 32
const BLOCK_SIZE = 8
const PARALLELIZATION = 1

function deriveKey(password: string, salt: Buffer, parameters: ScryptParameters, keyLength: number): Promise<Buffer> {
  const { cost: N, blockSize: r, parallelization: p } = parameters
  // Node refuses more than 32 MiB unless told (N = 2^17 needs 128 MiB); scrypt needs about 128 * N * r bytes.
  const maxmem = 256 * N * r
  // One password typed as composed or decomposed Unicode must hash the same.
  const normalized = password.normalize('NFC')
  return new Promise((resolve, reject) => {
    scrypt(normalized, salt, keyLength, { N, r, p, maxmem }, (error, key) =>
      error === null ? resolve(key) : reject(error),
    )
  })
}

/** Password hashing with scrypt, off the event loop (libuv's thread pool does the work), a few at a time. */
export function createPasswordHasher(options: PasswordHasherOptions = {}): PasswordHasher {
  const parameters: ScryptParameters = {
    cost: options.cost ?? DEFAULT_SCRYPT_COST,
    blockSize: BLOCK_SIZE,
    parallelization: PARALLELIZATION,
  }
  // Unbounded, a flood of logins would queue scrypt jobs in libuv without limit: every later file read
  // and DNS lookup behind them, memory and latency growing until the process is of no use to anyone.
  const slots = bulkhead(options.concurrency ?? 2, options.queue ?? 8)

  async function bounded(work: () => Promise<Buffer>): Promise<Buffer> {
    try {
      return await slots.execute(work)
    } catch (error) {
      if (isBulkheadRejectedError(error)) throw new PasswordHashingBusy(undefined, { cause: error })
      throw error
    }
  }

  async function hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES)
    return formatPasswordHash({
      parameters,
      salt,
      key: await bounded(() => deriveKey(password, salt, parameters, KEY_BYTES)),
    })
  }

  // Made at once at the current cost (outside the bulkhead: it is the service's own start-up work), so
  // the first unknown-email login costs what the others do.
  const dummySalt = randomBytes(SALT_BYTES)
  const dummy = deriveKey(randomUUID(), dummySalt, parameters, KEY_BYTES).then((key) =>
    formatPasswordHash({ parameters, salt: dummySalt, key }),
  )

  return {
    hash,
    async verify(password, stored) {
      const expected = parsePasswordHash(stored ?? (await dummy))
      const actual = await bounded(() => deriveKey(password, expected.salt, expected.parameters, expected.key.length))
      return timingSafeEqual(actual, expected.key) && stored !== undefined
    },
    needsRehash(stored) {
      const { parameters: old, salt, key } = parsePasswordHash(stored)
      const weaker =
        old.cost < parameters.cost ||
        old.blockSize < parameters.blockSize ||
        old.parallelization < parameters.parallelization
      return weaker || salt.length < SALT_BYTES || key.length < KEY_BYTES
    },
  }
}
