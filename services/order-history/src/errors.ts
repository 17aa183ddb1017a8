import { defineError, type SeamsErrorClass } from '@seams/core'

export const EntryNotFound = defineError(
  'EntryNotFound',
  'ORDER_HISTORY_ENTRY_NOT_FOUND',
  'not_found',
  'No such order in the history',
)
export const InvalidCursor = defineError(
  'InvalidCursor',
  'ORDER_HISTORY_INVALID_CURSOR',
  'validation',
  'querystring.after is not a cursor this service issued',
)

export const orderHistoryErrors: readonly SeamsErrorClass[] = [EntryNotFound, InvalidCursor]
