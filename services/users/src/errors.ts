import { defineError, type SeamsErrorClass } from '@seams/core'

export const UserNotFound = defineError('UserNotFound', 'USERS_USER_NOT_FOUND', 'not_found', 'No such user')
export const DuplicateEmail = defineError(
  'DuplicateEmail',
  'USERS_DUPLICATE_EMAIL',
  'conflict',
  'A user with this email exists',
)
export const InvalidCredentials = defineError(
  'InvalidCredentials',
  'USERS_INVALID_CREDENTIALS',
  'unauthenticated',
  'Invalid email or password',
)
export const UserDeactivated = defineError(
  'UserDeactivated',
  'USERS_USER_DEACTIVATED',
  'conflict',
  'A deactivated user cannot be changed',
)
export const PasswordHashInvalid = defineError(
  'PasswordHashInvalid',
  'USERS_PASSWORD_HASH_INVALID',
  'internal',
  'A stored password hash is malformed',
)
export const PasswordHashingBusy = defineError(
  'PasswordHashingBusy',
  'USERS_PASSWORD_HASHING_BUSY',
  'unavailable',
  'Too many passwords are being checked right now; try again shortly',
)

export const usersErrors: readonly SeamsErrorClass[] = [
  UserNotFound,
  DuplicateEmail,
  InvalidCredentials,
  UserDeactivated,
  PasswordHashInvalid,
  PasswordHashingBusy,
]

// Codes of 429 answers; not SeamsErrors because no error category maps to 429.
export const LOGIN_THROTTLED_CODE = 'USERS_LOGIN_THROTTLED'
export const REGISTRATION_THROTTLED_CODE = 'USERS_REGISTRATION_THROTTLED'
