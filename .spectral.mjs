// Spectral's rules for the OpenAPI documents (npm run lint:openapi): its OpenAPI rules and the OWASP API
// Security Top 10 ruleset, imported from node_modules so that linting never fetches a ruleset. Every rule
// turned off, wholly or for some documents, says why here; everything else applies, and an error fails lint.
import owasp from '@stoplight/spectral-owasp-ruleset'
import { oas } from '@stoplight/spectral-rulesets'

// The documents lint:openapi writes (scripts/openapi/lint-openapi.ts): one per service, and the gateway's.
const services = ['users', 'catalog', 'orders', 'payments', 'order-history'].map(
  (name) => `.openapi/${name}.openapi.json`,
)
// Operations that are public by design, on every service: probes and the access tokens' public keys.
const publicOperations = ['/health/live', '/health/ready', '/.well-known/jwks.json'].map(
  (path) => `.openapi/*.openapi.json#/paths/${path.replaceAll('/', '~1')}`,
)

const inputless = [
  '.openapi/users.openapi.json#/paths/~1users~1me/get',
  '.openapi/gateway.openapi.json#/paths/~1api~1users~1me/get',
  '.openapi/payments.openapi.json#/paths/~1simulator/get',
]

export default {
  extends: [oas, owasp],
  rules: {
    // No answer of the shop carries CORS headers: the API serves no browser of another origin (the gateway
    // leaves OPTIONS out until it does). Declaring Access-Control-Allow-Origin would describe headers that
    // never come.
    'owasp:api8:2023-define-cors-origin': 'off',
    // Free text (names, descriptions, reasons, cursors) has no format or pattern to give. Every string has a
    // maxLength, enum or const instead: owasp:api4:2023-string-limit stays on, as an error.
    'owasp:api4:2023-string-restricted': 'off',
    // Summaries say what each operation does; a description is written where there is more to say (e.g.
    // registration's throttling), not repeated for the sake of the rule.
    'operation-description': 'off',
    // The project publishes no contact address: its repository's issues are the contact.
    'info-contact': 'off',
  },
  overrides: [
    {
      // Services sit behind the gateway, which rate-limits every client (its document declares the headers
      // and the 429). A service answers 429 only where it throttles by account (login, sign-up), and says so.
      files: services,
      rules: {
        'owasp:api4:2023-rate-limit': 'off',
        'owasp:api4:2023-rate-limit-responses-429': 'off',
      },
    },
    {
      // Reachable without any token on purpose (orchestrators probe health; verifiers fetch public keys), so
      // they have no 401 to answer and no security requirement to declare.
      files: publicOperations,
      rules: {
        'owasp:api2:2023-read-restricted': 'off',
        'owasp:api8:2023-define-error-responses-401': 'off',
        'owasp:api8:2023-define-error-validation': 'off',
      },
    },
    {
      // Operations that take no input at all (no parameters, no body): there is nothing to answer 400 about.
      files: inputless,
      rules: { 'owasp:api8:2023-define-error-validation': 'off' },
    },
  ],
}
