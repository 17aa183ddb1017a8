/**
 * The header that carries the end user's own access token from an edge (the gateway) to the services it
 * calls on their behalf: the user is proven by the identity provider's signature, never asserted by the
 * caller. The service token in `Authorization` names the caller itself.
 */
export const USER_TOKEN_HEADER = 'x-user-token'
