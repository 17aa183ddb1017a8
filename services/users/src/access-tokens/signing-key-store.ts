import type { Sql } from '@seams/service-kit'
import type { JWK } from 'jose'

/** One row of `signing_keys`. */
export interface StoredSigningKey {
  kid: string
  generation: number
  publicJwk: JWK
  privateJwk: JWK
}

/** Every stored signing key, newest generation first. */
export async function readSigningKeys(sql: Sql): Promise<StoredSigningKey[]> {
  return sql<StoredSigningKey[]>`
    select kid, generation, public_jwk as "publicJwk", private_jwk as "privateJwk"
    from signing_keys order by generation desc`
}

/** Stores a key unless its generation is taken: replicas starting together race, and one insert lands. */
export async function insertSigningKey(sql: Sql, key: StoredSigningKey): Promise<void> {
  await sql`
    insert into signing_keys (kid, generation, public_jwk, private_jwk)
    values (${key.kid}, ${key.generation}, ${sql.json(key.publicJwk as Record<string, string>)},
            ${sql.json(key.privateJwk as Record<string, string>)})
    on conflict do nothing`
}
