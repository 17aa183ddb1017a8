import type { Product } from '@shop/catalog-contracts'
import { describe, expect, it } from 'vitest'
import { decideReservation, mergeItems, requestHash } from './reserve-stock.ts'

const product = (id: string, stockOnHand: number, priceCents = 100): Product => ({
  id,
  sku: `SKU-${id}`,
  name: id,
  description: '',
  priceCents,
  currency: 'EUR',
  stockOnHand,
  version: 1,
  updatedAt: '2026-01-01T00:00:00.000Z',
})

const a = '00000000-0000-7000-8000-00000000000a'
const b = '00000000-0000-7000-8000-00000000000b'

describe('decideReservation', () => {
  it('reserves every line at the current price when all stock suffices', () => {
    expect(
      decideReservation(
        [
          { productId: b, quantity: 2 },
          { productId: a, quantity: 1 },
        ],
        [product(a, 1, 250), product(b, 5)],
      ),
    ).toEqual({
      ok: true,
      lines: [
        { productId: a, quantity: 1, unitPriceCents: 250, currency: 'EUR' },
        { productId: b, quantity: 2, unitPriceCents: 100, currency: 'EUR' },
      ],
    })
  })

  it('refuses the whole reservation when one product is short, counting repeated lines together', () => {
    expect(
      decideReservation(
        [
          { productId: a, quantity: 2 },
          { productId: a, quantity: 2 },
        ],
        [product(a, 3)],
      ),
    ).toEqual({
      ok: false,
      reason: 'OUT_OF_STOCK',
      productId: a,
      requested: 4,
      available: 3,
    })
  })

  it('refuses a reservation naming an unknown product', () => {
    expect(decideReservation([{ productId: b, quantity: 1 }], [product(a, 3)])).toMatchObject({
      ok: false,
      reason: 'UNKNOWN_PRODUCT',
      productId: b,
    })
  })
})

describe('requestHash', () => {
  it('is the same for the same items in any order and different for other quantities', () => {
    const one = requestHash([
      { productId: a, quantity: 1 },
      { productId: b, quantity: 2 },
    ])
    expect(
      requestHash([
        { productId: b, quantity: 2 },
        { productId: a, quantity: 1 },
      ]),
    ).toBe(one)
    expect(
      requestHash([
        { productId: b, quantity: 3 },
        { productId: a, quantity: 1 },
      ]),
    ).not.toBe(one)
    expect(
      mergeItems([
        { productId: b, quantity: 1 },
        { productId: a, quantity: 1 },
      ])[0]!.productId,
    ).toBe(a)
  })
})
