import { randomBytes, randomUUID, scrypt, timingSafeEqual } from 'node:crypto'
import { formatPasswordHash, parsePasswordHash, type ScryptParameters } from './password-hash.ts'

export interface PasswordHasher {
  /** A new salted hash of `password` at the configured cost. */
  hash(password: string): Promise<string>
  /**
   * Whether `password` matches `stored`. Without a stored hash it does the same work against a dummy
   * hash and answers false, so that callers cannot be timed into revealing which accounts exist.
   */
  verify(password: string, stored: string | undefined): Promise<boolean>
}

export interface PasswordHasherOptions {
  /**
   * scrypt N for new hashes; a power of two. Raising it leaves existing hashes verifiable.
   * @default 16384
   */
  cost?: number
}

const SALT_BYTES = 16
const KEY_BYTES = 32
const BLOCK_SIZE = 8
const PARALLELIZATION = 1

function deriveKey(password: string, salt: Buffer, parameters: ScryptParameters, keyLength: number): Promise<Buffer> {
  const { cost: N, blockSize: r, parallelization: p } = parameters
  // Node refuses to use more than 32 MiB unless told; scrypt needs about 128 * N * r bytes.
  const maxmem = 256 * N * r
  // One password typed as composed or decomposed Unicode must hash the same.
  const normalized = password.normalize('NFC')
  return new Promise((resolve, reject) => {
    scrypt(normalized, salt, keyLength, { N, r, p, maxmem }, (error, key) => (error === null ? resolve(key) : reject(error)))
  })
}

/** Password hashing with scrypt, off the event loop (libuv's thread pool does the work). */
export function createPasswordHasher(options: PasswordHasherOptions = {}): PasswordHasher {
  const parameters: ScryptParameters = { cost: options.cost ?? 16384, blockSize: BLOCK_SIZE, parallelization: PARALLELIZATION }

  async function hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES)
    return formatPasswordHash({ parameters, salt, key: await deriveKey(password, salt, parameters, KEY_BYTES) })
  }

  // Made at once at the current cost, so the first unknown-email login costs what the others do.
  const dummy = hash(randomUUID())

  return {
    hash,
    async verify(password, stored) {
      const expected = parsePasswordHash(stored ?? (await dummy))
      const actual = await deriveKey(password, expected.salt, expected.parameters, expected.key.length)
      return timingSafeEqual(actual, expected.key) && stored !== undefined
    },
  }
}
