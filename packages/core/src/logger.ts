/**
 * What the toolkit logs through: an object of fields, then a message, as pino (the service kit's logger)
 * takes them. Any logger of that shape fits; the toolkit never needs more levels than these three.
 */
export interface Logger {
  info(object: object, message: string): void
  warn(object: object, message: string): void
  error(object: object, message: string): void
}
