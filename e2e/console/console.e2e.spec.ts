import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { randomUUID } from 'node:crypto'
import { adminDatabaseUrl, eventually } from '@seams/testing'
import { loadDemoData, startShopConsole, startTestShop, type TestShop } from '@shop/launcher'
import type { RunningConsole, Snapshot } from '@shop/console'
import { generateKeyPair, SignJWT } from 'jose'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { gatewayClient } from '../support/gateway-client.ts'

// Debian's chromium: no browser is downloaded at install time (.ci/run installs the package when it is missing).
const chromiumPath = process.env['SEAMS_CHROMIUM'] ?? '/usr/bin/chromium'
const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
const screenshots = fileURLToPath(new URL('./screenshots/', import.meta.url))
const present = existsSync(chromiumPath)
if (!present) {
  const message = `chromium is missing at ${chromiumPath} (apt-get install chromium)`
  if (process.env['CI'] === 'true') throw new Error(`${message}; CI requires it`)
  console.warn(`\n*** SKIPPING the console's browser tests: ${message}. ***\n`)
}

// The console as an admin uses it, in a real browser against a real shop: every view, and the faults it causes.
describe.skipIf(!present)('the console, in a browser', () => {
  let test: TestShop
  let shopConsole: RunningConsole
  let browser: Browser
  let page: Page
  let adminToken: string
  const consoleApi = (path: string) => new URL(`api${path}`, shopConsole.url).toString()
  const asAdmin = async (method: string, path: string, body?: unknown) =>
    fetch(consoleApi(path), {
      method,
      headers: {
        authorization: `Bearer ${adminToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  const snapshot = async (): Promise<Snapshot> => (await (await asAdmin('GET', '/snapshot')).json()) as Snapshot
  const view = async (name: string) => {
    await page.getByRole('link', { name }).click()
    await page.getByRole('heading', { level: 1, name }).waitFor()
  }
  const shoot = (name: string) => page.screenshot({ path: `${screenshots}${name}.png`, fullPage: true })

  beforeAll(async () => {
    await mkdir(screenshots, { recursive: true })
    test = await startTestShop(adminDatabaseUrl())
    await loadDemoData(test.shop.urls.gateway, {
      adminEmail: test.shop.wiring.admin.email,
      adminPassword: test.secrets.adminPassword,
      demoPassword: test.secrets.demoPassword,
    })
    shopConsole = await startShopConsole(test.shop, {
      operatorKey: test.secrets.serviceKeys['operator']!.privateKey,
      port: 0,
      pollIntervalMs: 500,
    })
    adminToken = await gatewayClient(test.shop.urls.gateway).login(
      test.shop.wiring.admin.email,
      test.secrets.adminPassword,
    )
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumFlags })
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  })

  afterAll(async () => {
    await browser?.close()
    await shopConsole?.close()
    await test?.close()
  })

  it('refuses anonymous callers, customers and forged tokens', async () => {
    const gateway = gatewayClient(test.shop.urls.gateway)
    const customer = await gateway.login('alice@example.com', test.secrets.demoPassword)
    const signature = Buffer.from('not the signature').toString('base64url')
    const forged = `${adminToken.slice(0, adminToken.lastIndexOf('.'))}.${signature}`
    // An admin token the shop never issued: right claims, a key of its own.
    const { privateKey } = await generateKeyPair('ES256')
    const selfMade = await new SignJWT({ role: 'admin', email: 'mallory@example.com' })
      .setProtectedHeader({ alg: 'ES256', kid: 'mallory' })
      .setIssuer('seams-users')
      .setAudience('seams-shop')
      .setSubject(randomUUID())
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey)
    // Another identity of the shop: the operator's own service token is not an admin's login.
    const operatorToken = await test.identity('operator').tokenFor('gateway')
    for (const path of ['/snapshot', '/stream', '/orders']) {
      expect((await fetch(consoleApi(path))).status, `anonymous ${path}`).toBe(401)
      const withToken = (token: string) => fetch(consoleApi(path), { headers: { authorization: `Bearer ${token}` } })
      expect((await withToken(customer)).status, `customer ${path}`).toBe(403)
      expect((await withToken(forged)).status, `forged ${path}`).toBe(401)
      expect((await withToken(selfMade)).status, `self-made ${path}`).toBe(401)
      expect((await withToken(operatorToken)).status, `service token ${path}`).toBe(401)
    }
    const stop = (token?: string) =>
      fetch(consoleApi('/services/payments/stop'), {
        method: 'POST',
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      })
    expect((await stop()).status).toBe(401)
    expect((await stop(customer)).status).toBe(403)
    expect((await stop(forged)).status).toBe(401)
    // A customer's password gets no console session either.
    const session = await fetch(consoleApi('/session'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'alice@example.com', password: test.secrets.demoPassword }),
    })
    expect(session.status).toBe(403)
    expect((await snapshot()).services.find((service) => service.name === 'payments')?.running).toBe(true)
  })

  it('logs an admin in and shows six ready services on the topology', async () => {
    await page.goto(shopConsole.url)
    await page.getByLabel('Email').fill(test.shop.wiring.admin.email)
    await page.getByLabel('Password').fill(test.secrets.adminPassword)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.getByRole('heading', { level: 1, name: 'Topology' }).waitFor()
    await expect
      .poll(() => page.getByTestId('topology-summary').textContent(), { timeout: 20_000 })
      .toMatch(/^6 of 6 services ready/)
    // The demo data has just been loaded: read models may still be catching up (amber) for a moment.
    for (const service of ['gateway', 'users', 'catalog', 'orders', 'payments', 'order-history']) {
      const row = page.locator(`tr[data-service="${service}"]`)
      await expect
        .poll(async () => `${await row.getAttribute('data-health')} ${await row.textContent()}`, { timeout: 20_000 })
        .toMatch(/^ok /)
    }
    await expect.poll(() => page.getByTestId('stream-state').textContent(), { timeout: 20_000 }).toBe('live')
    await shoot('topology')
    await page.setViewportSize({ width: 390, height: 844 })
    await shoot('topology-phone')
    await page.setViewportSize({ width: 1280, height: 800 })
  })

  it('follows an order placed from the console to CONFIRMED, with each read model applying it', async () => {
    await view('Follow an order')
    await page.getByRole('button', { name: 'Place an order' }).click()
    await expect.poll(() => page.getByTestId('order-status').textContent(), { timeout: 20_000 }).toBe('CONFIRMED')
    // order-history keeps the order from orders' events and its payment from payments'.
    const historyRows = page.locator('[data-testid="read-models"] tr[data-owner="order-history"]')
    await expect.poll(() => historyRows.count(), { timeout: 20_000 }).toBe(2)
    for (const row of await historyRows.all())
      expect(await row.getByTestId('applied-after').textContent()).toMatch(/\d+(\.\d)? ms/)
    // Catalog's stock change for this order's reservation is on the timeline too (no read model follows stock).
    const timeline = page.getByTestId('timeline')
    for (const text of [
      'reserve-stock: done',
      'authorize-payment: done',
      'catalog.StockChanged',
      'orders.OrderConfirmed',
      'payments.PaymentAuthorized',
    ])
      await timeline.getByText(text).first().waitFor()
    await shoot('order')
  })

  it('turns payments red with the breaker open when it stops, and recovers when it starts again', async () => {
    await view('Faults')
    await page.getByRole('button', { name: 'Stop payments' }).click()
    await page.locator('li.card[data-service="payments"]').getByText('stopped').waitFor({ timeout: 20_000 })
    // Orders placed now fail to reach payments; a few in a row open orders' breaker.
    await eventually(
      "orders' breaker toward payments is open",
      async () => {
        await asAdmin('POST', '/orders', {})
        return (await snapshot()).services.find((service) => service.name === 'orders')?.breakers['payments']
      },
      { until: (state) => state === 'open', timeoutMs: 30_000, intervalMs: 200 },
    )
    await view('Topology')
    const payments = page.locator('tr[data-service="payments"]')
    await expect.poll(() => payments.getAttribute('data-health'), { timeout: 20_000 }).toBe('down')
    await expect
      .poll(() => page.locator('tr[data-service="orders"]').getByTestId('breakers').textContent())
      .toContain('payments: open')
    await expect.poll(() => payments.textContent(), { timeout: 20_000 }).toContain('breaker of orders is open')
    await shoot('payments-down')
    await view('Faults')
    await page.getByRole('button', { name: 'Start payments' }).click()
    await page.getByTestId('action-log').getByText('start service').first().waitFor({ timeout: 30_000 })
    // The breaker lets a trial call through after its pause; an order then closes it.
    await eventually(
      'payments is ready and the breaker closed again',
      async () => {
        const state = await snapshot()
        const closed = state.services.find((service) => service.name === 'orders')?.breakers['payments'] === 'closed'
        if (!closed) await asAdmin('POST', '/orders', {})
        return closed && state.services.find((service) => service.name === 'payments')?.health === 'ok'
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    )
    await view('Topology')
    await expect
      .poll(() => page.locator('tr[data-service="payments"]').getAttribute('data-health'), { timeout: 20_000 })
      .toBe('ok')
  })

  it("grows order-history's lag on screen while its consumer is paused, and clears it on resume", async () => {
    const consumer = (await snapshot()).consumers.find(
      (candidate) => candidate.service === 'order-history' && candidate.source === 'orders',
    )!
    await view('Faults')
    await page.getByRole('button', { name: `Pause ${consumer.name}` }).click()
    await page.getByRole('button', { name: `Resume ${consumer.name}` }).waitFor()
    for (let index = 0; index < 3; index += 1) expect((await asAdmin('POST', '/orders', {})).status).toBe(202)
    await view('Consistency')
    const lag = page
      .locator(`[data-testid="consumers-table"] tr[data-consumer="${consumer.name}"]`)
      .getByTestId('lag-events')
    await expect.poll(async () => Number(await lag.textContent()), { timeout: 20_000 }).toBeGreaterThanOrEqual(3)
    await shoot('consistency-paused')
    await view('Faults')
    await page.getByRole('button', { name: `Resume ${consumer.name}` }).click()
    await view('Consistency')
    await expect.poll(async () => Number(await lag.textContent()), { timeout: 20_000 }).toBe(0)
  })

  it('retries a planted dead letter from the page', async () => {
    const consumer = (await snapshot()).consumers.find(
      (candidate) => candidate.service === 'order-history' && candidate.source === 'users',
    )!
    // Planted as a consumer that gave up would leave it: a real users event, under an id never applied.
    const users = (await import('postgres')).default(test.shop.databaseUrls.users, { max: 1 })
    const history = (await import('postgres')).default(test.shop.databaseUrls['order-history'], { max: 1 })
    try {
      const [event] = await users<{ envelope: string; subject: string; position: number }[]>`
        select envelope::text as envelope, subject, position from seams_outbox
        where type = 'users.UserRegistered' and position is not null order by id limit 1`
      const eventId = randomUUID()
      const envelope = { ...JSON.parse(event!.envelope), id: eventId }
      await history`
        insert into seams_dead_letters (consumer, event_id, source, type, subject, position, envelope, error, attempts)
        values (${consumer.name}, ${eventId}, 'users', 'users.UserRegistered', ${event!.subject}, ${event!.position},
          ${history.json(envelope)}, 'planted: the handler failed five times', 5)`
    } finally {
      await users.end()
      await history.end()
    }
    await view('Consistency')
    const row = page.locator('[data-testid="dead-letters"] tbody tr').first()
    await row.getByText('unresolved').waitFor({ timeout: 20_000 })
    await shoot('consistency')
    await row.getByRole('button', { name: /^Retry #/ }).click()
    await expect.poll(() => row.getByTestId('dead-letter-state').textContent(), { timeout: 20_000 }).toBe('resolved')
    await view('Faults')
    await page.getByTestId('action-log').getByText('retry dead letters').first().waitFor()
    await shoot('faults')
  })
})
