import type { ErrorCodeContract } from '@seams/core'

/**
 * The problem+json `code`s the users service's HTTP API answers with, besides the toolkit's own
 * (validation, tokens: docs/errors.md). A client may branch on these; they never change meaning.
 */
export const usersErrorCodes = {
  USERS_USER_NOT_FOUND: {
    status: 404,
    title: 'Not Found',
    meaning: 'No user has this id, or the acting user may not see it.',
  },
  USERS_DUPLICATE_EMAIL: {
    status: 409,
    title: 'Conflict',
    meaning: 'An account with this email (in any letter case) exists.',
  },
  USERS_INVALID_CREDENTIALS: {
    status: 401,
    title: 'Unauthorized',
    meaning: 'The email or the password is wrong, or the account is deactivated; which one is not told.',
  },
  USERS_USER_DEACTIVATED: { status: 409, title: 'Conflict', meaning: 'A deactivated account cannot be changed.' },
  USERS_PASSWORD_HASH_INVALID: {
    status: 500,
    title: 'Internal Server Error',
    meaning: 'A stored password hash is malformed; the service logs it, the client learns nothing more.',
  },
  USERS_PASSWORD_HASHING_BUSY: {
    status: 503,
    title: 'Service Unavailable',
    meaning: 'Too many passwords are being checked at once; retry after `Retry-After` seconds.',
  },
  USERS_LOGIN_THROTTLED: {
    status: 429,
    title: 'Too Many Requests',
    meaning: 'Too many failed logins for this account, or for the service; retry after `Retry-After` seconds.',
  },
  USERS_REGISTRATION_THROTTLED: {
    status: 429,
    title: 'Too Many Requests',
    meaning: 'Too many sign-ups for this email, or for the service; retry after `Retry-After` seconds.',
  },
} as const satisfies Record<string, ErrorCodeContract>

export type UsersErrorCode = keyof typeof usersErrorCodes

/** The refusals of `POST /users` a client is told apart from failures. */
export const registerProblemCodes = ['USERS_DUPLICATE_EMAIL'] as const satisfies readonly UsersErrorCode[]

export type RegisterProblemCode = (typeof registerProblemCodes)[number]
