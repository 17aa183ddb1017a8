export * from './http.ts'
export { UserRegisteredV1, UserProfileChangedV1, UserDeactivatedV1, usersEvents } from './events.ts'
export { createUsersClient } from './client.ts'
export type { UsersClient, RegisterUserResult } from './client.ts'
