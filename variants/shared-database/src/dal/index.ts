// The data access layer of seed 002: one module every service of this topology imports, over one schema.
// Users', catalog's and payments' own stores are used as they are (the tables have the same columns as in
// the owned topology); what only a shared schema allows, joins across domains, lives in the files next to this.
export {
  findCredentials,
  findUser,
  findUserByEmail,
  insertUserUnlessEmailTaken,
  lockUser,
  markDeactivated,
  renameUser,
} from '../../../../services/users/src/users/user-store.ts'
export {
  changeProduct,
  changeStock,
  findProduct,
  insertProduct,
  listProducts,
  lockProducts,
  recordStockAdjustment,
} from '../../../../services/catalog/src/products/product-store.ts'
export { findPayment, findPaymentByOrder } from '../../../../services/payments/src/payments/payment-store.ts'
export * from './orders.ts'
export * from './order-history.ts'
export * from './simulator-settings.ts'
