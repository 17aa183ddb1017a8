import { createAccessTokenVerifier, remoteSigningKeys, type AccessTokenVerifier } from '@seams/service-kit'
import type { FastifyRequest } from 'fastify'

export interface Admin {
  id: string
  email: string
}

/** 401 or 403 with a problem document, as the services answer. */
export class ConsoleRefusal extends Error {
  readonly status: number
  constructor(status: number, message: string) {
    super(message)
    this.status = status
  }
}

/**
 * Admins only, by the shop's own access tokens: the console verifies them as every service does, against the
 * users service's published keys, and refuses customers, anonymous callers and anything not signed there.
 */
export function createConsoleAuth(options: { jwksUrl: string; issuer: string; audience: string }) {
  const verifier: AccessTokenVerifier = createAccessTokenVerifier(
    remoteSigningKeys(options.jwksUrl, { timeoutMs: 2000 }),
    {
      issuer: options.issuer,
      audience: options.audience,
      userOf: (claims) =>
        typeof claims.sub === 'string' && typeof claims['role'] === 'string'
          ? ({ id: claims.sub, role: claims['role'], email: String(claims['email'] ?? claims.sub) } as {
              id: string
              role: string
            })
          : undefined,
    },
  )
  return {
    async admin(request: FastifyRequest): Promise<Admin> {
      const header = request.headers.authorization
      if (header === undefined || !header.startsWith('Bearer '))
        throw new ConsoleRefusal(401, 'Log in as an admin: this needs an access token')
      const user = (await verifier.verify(header.slice('Bearer '.length)).catch(() => {
        throw new ConsoleRefusal(401, 'The access token is not valid')
      })) as { id: string; role: string; email: string }
      if (user.role !== 'admin') throw new ConsoleRefusal(403, 'The console is for admins only')
      return { id: user.id, email: user.email }
    },
  }
}
