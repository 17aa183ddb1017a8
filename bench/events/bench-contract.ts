import type { EventContract } from '@seams/core'
import Type from 'typebox'

/** The benchmark's event: a business fact of about the size of the shop's events. */
export const AmountRecordedV1 = {
  source: 'bench',
  type: 'bench.AmountRecorded',
  version: 1,
  schema: Type.Object({
    entryId: Type.String(),
    account: Type.String(),
    amountCents: Type.Integer(),
    memo: Type.String(),
  }),
} as const satisfies EventContract
