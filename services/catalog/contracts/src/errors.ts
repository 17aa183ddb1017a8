import type { ErrorCodeContract } from '@seams/core'

/**
 * The problem+json `code`s the catalog's HTTP API answers with, besides the toolkit's own
 * (validation, tokens: docs/errors.md). A client may branch on these; they never change meaning.
 */
export const catalogErrorCodes = {
  CATALOG_PRODUCT_NOT_FOUND: { status: 404, title: 'Not Found', meaning: 'No product has this id.' },
  CATALOG_DUPLICATE_SKU: { status: 409, title: 'Conflict', meaning: 'Another product already has this SKU.' },
  CATALOG_STOCK_NEGATIVE: {
    status: 409,
    title: 'Conflict',
    meaning: 'The adjustment would take stock below zero; nothing was changed.',
  },
  CATALOG_OUT_OF_STOCK: {
    status: 409,
    title: 'Conflict',
    meaning: 'A product has fewer units than requested (`productId`, `requested`, `available`); nothing was reserved.',
  },
  CATALOG_UNKNOWN_PRODUCT: {
    status: 422,
    title: 'Unprocessable Content',
    meaning: 'The reservation names a product that does not exist (`productId`); nothing was reserved.',
  },
  CATALOG_RESERVATION_NOT_FOUND: { status: 404, title: 'Not Found', meaning: 'No reservation has this id.' },
  CATALOG_RESERVATION_MISMATCH: {
    status: 422,
    title: 'Unprocessable Content',
    meaning: 'This reservation id was already used with other items; a retry must repeat the same request.',
  },
  CATALOG_INVALID_CURSOR: {
    status: 400,
    title: 'Bad Request',
    meaning: '`after` is not a cursor this service issued.',
  },
} as const satisfies Record<string, ErrorCodeContract>

export type CatalogErrorCode = keyof typeof catalogErrorCodes

/** The refusals of `POST /reservations`: answers, not failures, of a reservation attempt. */
export const reserveStockProblemCodes = [
  'CATALOG_OUT_OF_STOCK',
  'CATALOG_UNKNOWN_PRODUCT',
  'CATALOG_RESERVATION_MISMATCH',
] as const satisfies readonly CatalogErrorCode[]

export type ReserveStockProblemCode = (typeof reserveStockProblemCodes)[number]
