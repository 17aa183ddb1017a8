import type { EventContract } from '@seams/core'
import Type from 'typebox'

// Events carry the user's full public state, so a consumer's replica is an upsert of the latest one.
// Password hashes and login activity never leave the service.

const userId = Type.String({ format: 'uuid' })

/** A user account was created, by sign-up or as the bootstrap admin. */
export const UserRegisteredV1 = {
  source: 'users',
  type: 'users.UserRegistered',
  version: 1,
  schema: Type.Object({
    userId,
    email: Type.String(),
    name: Type.String(),
    role: Type.Union([Type.Literal('customer'), Type.Literal('admin')]),
  }),
} as const satisfies EventContract

/** A user's profile changed; carries the profile after the change. */
export const UserProfileChangedV1 = {
  source: 'users',
  type: 'users.UserProfileChanged',
  version: 1,
  schema: Type.Object({ userId, email: Type.String(), name: Type.String() }),
} as const satisfies EventContract

/** A user account was closed: it can no longer log in. Emitted once per account. */
export const UserDeactivatedV1 = {
  source: 'users',
  type: 'users.UserDeactivated',
  version: 1,
  schema: Type.Object({ userId }),
} as const satisfies EventContract

export const usersEvents = [UserRegisteredV1, UserProfileChangedV1, UserDeactivatedV1] as const
