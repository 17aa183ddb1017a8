import { defineError, type SeamsErrorClass } from '@seams/core'

export const ForeignStream = defineError('ForeignStream', 'SEAMS_NATS_FOREIGN_STREAM', 'illegal_state', 'The stream holds events this producer did not write')

export const natsTransportErrors: readonly SeamsErrorClass[] = [ForeignStream]
