import type { ErrorCodeContract } from '@seams/core'

/**
 * The problem+json `code`s the order-history service's HTTP API answers with, besides the toolkit's own
 * (validation, tokens: docs/errors.md). A client may branch on these; they never change meaning.
 */
export const orderHistoryErrorCodes = {
  ORDER_HISTORY_ENTRY_NOT_FOUND: {
    status: 404,
    title: 'Not Found',
    meaning: 'The history has no such order (yet: it follows events), or the acting user may not see it.',
  },
  ORDER_HISTORY_INVALID_CURSOR: {
    status: 400,
    title: 'Bad Request',
    meaning: '`after` is not a cursor this service issued.',
  },
} as const satisfies Record<string, ErrorCodeContract>

export type OrderHistoryErrorCode = keyof typeof orderHistoryErrorCodes
