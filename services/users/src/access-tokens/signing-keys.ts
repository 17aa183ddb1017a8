import type { Sql } from '@seams/service-kit'
import type { JsonWebKeySet } from '@shop/users-contracts'
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey } from 'jose'
import { insertSigningKey, readSigningKeys, type StoredSigningKey } from './signing-key-store.ts'

export type { StoredSigningKey } from './signing-key-store.ts'

export const SIGNING_ALGORITHM = 'ES256'

export interface SigningKeys {
  /** The newest key: new tokens are signed with it and name it in their `kid` header. */
  readonly current: { kid: string; privateKey: CryptoKey }
  /** The public half of every stored key, so tokens signed before a rotation still verify. */
  readonly jwks: JsonWebKeySet
}

/** A fresh P-256 key pair; its kid is the RFC 7638 thumbprint, so it names the key and nothing else. */
export async function generateSigningKey(generation: number): Promise<StoredSigningKey> {
  const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true })
  const publicJwk = await exportJWK(publicKey)
  return {
    kid: await calculateJwkThumbprint(publicJwk),
    generation,
    publicJwk,
    privateJwk: await exportJWK(privateKey),
  }
}

/** Signing keys from stored rows, newest generation first. */
export async function toSigningKeys(stored: readonly StoredSigningKey[]): Promise<SigningKeys> {
  const [newest] = stored
  if (newest === undefined) throw new TypeError('there is no signing key to sign with')
  const privateKey = (await importJWK(newest.privateJwk, SIGNING_ALGORITHM)) as CryptoKey
  const keys = stored.map(
    ({ kid, publicJwk }) =>
      ({ kty: 'EC', crv: 'P-256', x: publicJwk.x!, y: publicJwk.y!, kid, alg: SIGNING_ALGORITHM, use: 'sig' }) as const,
  )
  return { current: { kid: newest.kid, privateKey }, jwks: { keys } }
}

/**
 * The service's signing keys, creating the first one on first start. Replicas starting together may
 * each generate a key, but the unique generation lets only one insert land and every replica then
 * reads that one. The private key sits in the service's own database, readable only by its role; a
 * deployment that needs more would wrap it with a KMS key here.
 */
export async function loadSigningKeys(sql: Sql): Promise<SigningKeys> {
  let stored = await readSigningKeys(sql)
  if (stored.length === 0) {
    const first = await generateSigningKey(1)
    await insertSigningKey(sql, first)
    stored = await readSigningKeys(sql)
  }
  return toSigningKeys(stored)
}
