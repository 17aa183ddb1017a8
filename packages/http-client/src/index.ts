export { createHttpClient } from './http-client.ts'
export type {
  HttpClient,
  HttpClientOptions,
  ForwardRequest,
  RawResponse,
  CallContext,
  CallOptions,
  HttpResponse,
  TokenSource,
} from './http-client.ts'
export { UpstreamUnavailable, UpstreamRejected, httpClientErrors } from './errors.ts'
