/** What the demo shop contains: a few customers and a few dozen products with stock. */
export const demoCustomers = [
  { email: 'alice@example.com', name: 'Alice Martin' },
  { email: 'bob@example.com', name: 'Bob Nakamura' },
  { email: 'carol@example.com', name: 'Carol Osei' },
]

const materials = ['Oak', 'Walnut', 'Steel', 'Linen', 'Wool', 'Ceramic']
const things = ['Desk Lamp', 'Side Table', 'Bookshelf', 'Throw Blanket', 'Coffee Mug', 'Armchair']

export const demoProducts = materials.flatMap((material, row) =>
  things.map((thing, column) => {
    const index = row * things.length + column + 1
    return {
      sku: `DEMO-${String(index).padStart(3, '0')}`,
      name: `${material} ${thing}`,
      description: `A ${thing.toLowerCase()} in ${material.toLowerCase()}.`,
      priceCents: 990 + ((index * 1733) % 24000),
      currency: 'EUR',
      stockOnHand: 5 + ((index * 7) % 40),
    }
  }),
)

async function post(url: string, body: unknown, token?: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(body),
  })
}

async function expectCreatedOrExisting(response: Response, what: string): Promise<void> {
  if (response.status === 201 || response.status === 409) return
  throw new Error(`could not create demo ${what}: ${response.status} ${await response.text()}`)
}

/** Loads demo data through the gateway, like any client would; running it again changes nothing. */
export async function loadDemoData(
  gatewayUrl: string,
  credentials: { adminEmail: string; adminPassword: string; demoPassword: string },
): Promise<void> {
  const login = await post(`${gatewayUrl}/api/auth/login`, {
    email: credentials.adminEmail,
    password: credentials.adminPassword,
  })
  if (login.status !== 200) throw new Error(`demo data: admin login failed with ${login.status}: ${await login.text()}`)
  const { accessToken } = (await login.json()) as { accessToken: string }
  for (const customer of demoCustomers) {
    await expectCreatedOrExisting(
      await post(`${gatewayUrl}/api/users`, { ...customer, password: credentials.demoPassword }),
      `customer ${customer.email}`,
    )
  }
  for (const product of demoProducts) {
    await expectCreatedOrExisting(
      await post(`${gatewayUrl}/api/products`, product, accessToken),
      `product ${product.sku}`,
    )
  }
}
