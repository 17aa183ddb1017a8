export interface ApiResult<T = any> {
  status: number
  body: T
  headers: Headers
}

/** A client of the shop's public API, as a browser or a mobile app would use it. */
export function gatewayClient(baseUrl: string) {
  async function request<T = any>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<ApiResult<T>> {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    })
    const text = await response.text()
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text), headers: response.headers }
  }
  return {
    request,
    async login(email: string, password: string): Promise<string> {
      const result = await request('POST', '/api/auth/login', { body: { email, password } })
      if (result.status !== 200)
        throw new Error(`login of ${email} failed: ${result.status} ${JSON.stringify(result.body)}`)
      return result.body.accessToken as string
    },
    async register(email: string, name: string, password: string): Promise<{ id: string; token: string }> {
      const created = await request('POST', '/api/users', { body: { email, name, password } })
      if (created.status !== 201) throw new Error(`registration of ${email} failed: ${created.status}`)
      return { id: created.body.id as string, token: await this.login(email, password) }
    },
  }
}
