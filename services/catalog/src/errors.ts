import { defineError, type SeamsErrorClass } from '@seams/core'

export const ProductNotFound = defineError(
  'ProductNotFound',
  'CATALOG_PRODUCT_NOT_FOUND',
  'not_found',
  'No such product',
)
export const DuplicateSku = defineError(
  'DuplicateSku',
  'CATALOG_DUPLICATE_SKU',
  'conflict',
  'A product with this SKU exists',
)
export const StockWouldGoNegative = defineError(
  'StockWouldGoNegative',
  'CATALOG_STOCK_NEGATIVE',
  'conflict',
  'Stock cannot go below zero',
)
export const OutOfStock = defineError('OutOfStock', 'CATALOG_OUT_OF_STOCK', 'conflict', 'Not enough stock')
export const UnknownProduct = defineError(
  'UnknownProduct',
  'CATALOG_UNKNOWN_PRODUCT',
  'unprocessable',
  'The reservation names a product that does not exist',
)
export const ReservationNotFound = defineError(
  'ReservationNotFound',
  'CATALOG_RESERVATION_NOT_FOUND',
  'not_found',
  'No such reservation',
)
export const ReservationMismatch = defineError(
  'ReservationMismatch',
  'CATALOG_RESERVATION_MISMATCH',
  'unprocessable',
  'This reservation id was used with other items',
)
export const InvalidCursor = defineError(
  'InvalidCursor',
  'CATALOG_INVALID_CURSOR',
  'validation',
  'querystring.after is not a cursor this service issued',
)

export const catalogErrors: readonly SeamsErrorClass[] = [
  ProductNotFound,
  DuplicateSku,
  StockWouldGoNegative,
  OutOfStock,
  UnknownProduct,
  ReservationNotFound,
  ReservationMismatch,
  InvalidCursor,
]
