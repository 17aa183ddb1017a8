import { SeamsError } from '@seams/core'
import { AccessTokenInvalid, type AccessTokenVerifier, type ActingUser, type ServiceApp } from '@seams/service-kit'
import type { Deactivations } from './deactivations.ts'
import { bearerTokenOf } from './bearer-token.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The end user behind a valid access token; undefined for anonymous requests. */
    endUser: ActingUser | undefined
    /**
     * That user's access token, passed on to the services so that
     * they see the user as the identity provider signed them.
     */
    endUserToken: string | undefined
    /** Why the client's token was refused; answered once rate limiting has counted the request. */
    authenticationFailure: SeamsError | undefined
  }
}

/**
 * Verifies the client's access token on every route of `app`. No token is fine (the service decides
 * whether an anonymous caller may proceed); a bad one is refused. Refusal waits for `preParsing` so
 * that the rate limiter, which runs between the two, counts requests with bad tokens against the IP.
 */
export function authenticateEndUsers(
  app: ServiceApp,
  deps: { verifier: AccessTokenVerifier; deactivations: Deactivations },
): void {
  app.decorateRequest('endUser', undefined)
  app.decorateRequest('endUserToken', undefined)
  app.decorateRequest('authenticationFailure', undefined)

  app.addHook('onRequest', async (request) => {
    const bearer = bearerTokenOf(request.headers.authorization)
    if (bearer.kind === 'absent') return
    if (bearer.kind === 'malformed') {
      request.authenticationFailure = new AccessTokenInvalid()
      return
    }
    try {
      const user = await deps.verifier.verify(bearer.token)
      // A valid signature on the token of a closed account: refused like any other dead token.
      if (!(await deps.deactivations.allows(user, bearer.token))) {
        request.authenticationFailure = new AccessTokenInvalid()
        return
      }
      request.endUser = user
      request.endUserToken = bearer.token
    } catch (error) {
      if (!(error instanceof SeamsError)) throw error
      request.authenticationFailure = error
    }
  })

  app.addHook('preParsing', async (request, reply) => {
    const failure = request.authenticationFailure
    if (failure === undefined) return
    if (failure instanceof AccessTokenInvalid) reply.header('www-authenticate', 'Bearer error="invalid_token"')
    throw failure
  })
}
