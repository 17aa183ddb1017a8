import { describe, expect, it } from 'vitest'
import { chargeFor } from './checkout.ts'

const line = (quantity: number, unitPriceCents: number, currency = 'EUR') => ({
  productId: 'p',
  quantity,
  unitPriceCents,
  currency,
})

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
