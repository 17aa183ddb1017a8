/**
 * Keeping secrets out of logs and error messages. A log line or a start-up error is read by more people,
 * and kept longer, than the secret it would carry.
 */

// Header names are matched as Node gives them: lower case.
const secretHeaders = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']
const secretFields = [
  'password', 'newPassword', 'currentPassword', 'passwordHash', 'token', 'accessToken', 'refreshToken', 'idToken',
  'secret', 'serviceSecret', 'clientSecret', 'apiKey', 'privateKey', 'databaseUrl', 'connectionString',
  'DATABASE_URL', 'SERVICE_SECRET', 'BOOTSTRAP_ADMIN_PASSWORD', 'NATS_PASSWORD', 'NATS_TOKEN', 'REDIS_URL',
]

// A wildcard stands for one level: `*.password` is `user.password`, not `body.user.password`.
const levels = ['', '*.', '*.*.']

/**
 * pino `redact` paths: credentials in headers (a logged `headers`, or `request.headers` and the like) and
 * fields that name a secret, from the top of a log entry down to three levels.
 */
export const logRedactPaths: readonly string[] = levels.flatMap((level) => [
  ...secretHeaders.map((header) => `${level}headers["${header}"]`),
  ...secretFields.map((field) => `${level}${field}`),
])

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
