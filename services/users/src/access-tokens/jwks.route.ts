import type { ServiceApp } from '@seams/service-kit'
import { JsonWebKeySet, JWKS_PATH } from '@shop/users-contracts'
import type { SigningKeys } from './signing-keys.ts'

export function jwksRoutes(app: ServiceApp, deps: { signingKeys: SigningKeys }): void {
  // The public keys that verify access tokens; public because
  // verifiers (the gateway) fetch them before they trust anyone.
  app.get(
    JWKS_PATH,
    {
      config: { public: true },
      schema: {
        summary: 'Public keys of access tokens (JWKS)',
        operationId: 'getSigningKeys',
        tags: ['auth'],
        response: { 200: JsonWebKeySet },
      },
    },
    async (_request, reply) => {
      // Keys change only when one is added, so verifiers may cache them for a few minutes.
      return reply.header('cache-control', 'public, max-age=300').send(deps.signingKeys.jwks)
    },
  )
}
