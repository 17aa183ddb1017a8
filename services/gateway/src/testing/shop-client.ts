import { randomBytes } from 'node:crypto'
import type { LoginResponse, User } from '@shop/users-contracts'

/** What a client of the shop does through the gateway, for integration specs. */
export interface ShopClient {
  /** JSON request to the gateway; `token` becomes the Bearer credential. */
  send(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>
  /** Registers a fresh customer and logs them in. */
  signUp(): Promise<{ user: User; token: string }>
  logIn(email: string, password: string): Promise<LoginResponse>
}

export const customerPassword = 'correct horse battery'

export function shopClient(gatewayUrl: string): ShopClient {
  const send: ShopClient['send'] = (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers }
    if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`
    if (options.body !== undefined) headers['content-type'] = 'application/json'
    return fetch(`${gatewayUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    })
  }

  const logIn = async (email: string, password: string) => {
    const response = await send('POST', '/api/auth/login', { body: { email, password } })
    if (response.status !== 200)
      throw new Error(`login of ${email} answered ${response.status}: ${await response.text()}`)
    return (await response.json()) as LoginResponse
  }

  return {
    send,
    logIn,
    async signUp() {
      const email = `c-${randomBytes(5).toString('hex')}@example.com`
      const registered = await send('POST', '/api/users', {
        body: { email, name: 'Test Customer', password: customerPassword },
      })
      if (registered.status !== 201)
        throw new Error(`sign-up answered ${registered.status}: ${await registered.text()}`)
      const { accessToken, user } = await logIn(email, customerPassword)
      return { user, token: accessToken }
    },
  }
}
