import { DeciderSpecification } from '@seams/testing'
import { describe, expect, it } from 'vitest'
import { chargeFor, checkoutDecider, type CheckoutEvent } from './checkout.ts'

const line = (quantity: number, unitPriceCents: number, currency = 'EUR', productId = 'p') => ({
  productId,
  quantity,
  unitPriceCents,
  currency,
})
const given = DeciderSpecification.for(checkoutDecider)
const reserved: CheckoutEvent = {
  type: 'StockReserved',
  lines: [line(2, 1999, 'EUR', 'lamp'), line(1, 500, 'EUR', 'bulb')],
}
const authorized: CheckoutEvent = { type: 'PaymentAuthorized', totalCents: 4498, currency: 'EUR' }
const mixed: CheckoutEvent = { type: 'StockReserved', lines: [line(1, 100, 'EUR'), line(1, 100, 'USD', 'q')] }

describe('chargeFor', () => {
  it('charges the sum of quantity times the reserved price', () => {
    expect(chargeFor([line(2, 1999), line(1, 500)])).toEqual({ ok: true, totalCents: 4498, currency: 'EUR' })
  })

  it('refuses an order whose products are priced in different currencies', () => {
    expect(chargeFor([line(1, 100, 'EUR'), line(1, 100, 'USD')])).toEqual({
      ok: false,
      reason: 'MIXED_CURRENCIES: EUR, USD',
    })
  })
})

describe('the checkout saga', () => {
  it('authorizes the total of the reserved lines at the reserved prices', () => {
    given(reserved).when({ type: 'AuthorizePayment' }).then({ type: 'Authorize', amountCents: 4498, currency: 'EUR' })
  })

  it('refuses to authorize lines in several currencies', () => {
    given(mixed).when({ type: 'AuthorizePayment' }).then({ type: 'Refuse', reason: 'MIXED_CURRENCIES: EUR, USD' })
  })

  it('confirms a pending order with the amount authorized and the reserved unit prices', () => {
    given([reserved, authorized])
      .when({ type: 'ConfirmOrder', orderStatus: 'PENDING' })
      .then({
        type: 'Confirm',
        totalCents: 4498,
        currency: 'EUR',
        unitPrices: new Map([
          ['lamp', 1999],
          ['bulb', 500],
        ]),
      })
  })

  it('turns around when the order was cancelled first, or is gone', () => {
    given([reserved, authorized])
      .when({ type: 'ConfirmOrder', orderStatus: 'CANCELLED' })
      .then({ type: 'Refuse', reason: 'ORDER_CANCELLED' })
    given([reserved, authorized])
      .when({ type: 'ConfirmOrder', orderStatus: undefined })
      .then({ type: 'Refuse', reason: 'ORDER_CANCELLED' })
  })

  it('confirms nothing twice when the step runs again after a crash', () => {
    given([reserved, authorized]).when({ type: 'ConfirmOrder', orderStatus: 'CONFIRMED' }).thenNothingHappened()
  })

  it('records exactly what payments authorized, not a total computed again', () => {
    given([reserved, { type: 'PaymentAuthorized', totalCents: 4000, currency: 'EUR' }])
      .when({ type: 'ConfirmOrder', orderStatus: 'PENDING' })
      .then({
        type: 'Confirm',
        totalCents: 4000,
        currency: 'EUR',
        unitPrices: new Map([
          ['lamp', 1999],
          ['bulb', 500],
        ]),
      })
  })

  it('cannot confirm without a reservation and a charge', () => {
    given(reserved).when({ type: 'ConfirmOrder', orderStatus: 'PENDING' }).thenThrows(TypeError)
    given(authorized).when({ type: 'ConfirmOrder', orderStatus: 'PENDING' }).thenThrows(TypeError)
  })

  it('rejects a compensated order only while it is pending', () => {
    given(reserved).when({ type: 'RejectOrder', orderStatus: 'PENDING' }).then({ type: 'Reject' })
    given(reserved).when({ type: 'RejectOrder', orderStatus: 'CANCELLED' }).thenNothingHappened()
  })
})
