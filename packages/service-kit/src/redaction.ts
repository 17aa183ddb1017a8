/**
 * Keeping secrets out of logs and error messages. A log line or a start-up error is read by more people,
 * and kept longer, than the secret it would carry.
 */

// Header names are matched as Node gives them: lower case.
const secretHeaders = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'x-user-token']
const secretFields = [
  'password',
  'passwordHash',
  'token',
  'accessToken',
  'refreshToken',
  'secret',
  'apiKey',
  'privateKey',
  'databaseUrl',
  'DATABASE_URL',
  'SERVICE_PRIVATE_KEY',
  'BOOTSTRAP_ADMIN_PASSWORD',
  'NATS_PASSWORD',
  'REDIS_URL',
  'userToken',
  'serviceKeys',
]

// A wildcard stands for one level (`*.password` is `user.password`, not `body.user.password`), and each one
// adds to the cost of every line logged: headers are found where requests and responses nest them
// (`err.response.headers`), secret fields at the top of an entry and one level down.
const levels = ['', '*.']

/**
 * pino `redact` paths: credentials in headers (a logged `headers`, `request.headers`, `err.response.headers`)
 * and fields that name a secret, at the top of a log entry or one level down (`user.password`).
 */
export const logRedactPaths: readonly string[] = [
  ...[...levels, '*.*.'].flatMap((level) => secretHeaders.map((header) => `${level}headers["${header}"]`)),
  ...levels.flatMap((level) => secretFields.map((field) => `${level}${field}`)),
]

const secretName = /SECRET|PASSWORD|PASSWD|PASSPHRASE|TOKEN|KEY|CREDENTIAL|CREDS/i

/** Whether an environment variable's name says it holds a secret (`SERVICE_SECRET`, `*_PASSWORD`, `*_KEY`, ...). */
export function isSecretName(name: string): boolean {
  return secretName.test(name)
}

// The password is whatever lies between the user's `:` and the last `@` of the word, which also catches a
// malformed URL (`postgres//user:pw@host`, `user:pw@host`) and a password with an unencoded `@` or `:`.
const credentials = /(^|[\s"'(,=]|\/\/)([^\s:/@"']*):(?!\/\/)\S*@/g

/**
 * `text` with the password of every URL in it replaced by `***` (`postgres://shop:***@db:5432/shop`), so
 * that a URL can be logged or shown in an error. The user name stays: it helps find the mistake.
 */
export function redactCredentials(text: string): string {
  return text.replace(credentials, '$1$2:***@')
}
