// /docs in Chromium with every other origin cut off: Swagger UI loads from the gateway alone, and its
// "Try it out" runs a real request (GET /api/estoque/itens/{item_id}) through the gateway with the session.
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seed } from '../../scripts/seed/index.js'
import { useTestStack } from '../support/stack.js'
import { launchChromium, screenshotDir } from './support.js'

const stack = useTestStack({ prefix: 'browser_docs', seed: (db) => seed(db, { items: 12, movements: 10 }) })
let browser: Browser

beforeAll(async () => {
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
})

describe('/docs offline in Chromium', () => {
  it('renders Swagger UI from the gateway only and executes an example request with the session cookie', async () => {
    const { gateway, cookie, db } = stack()
    const origin = new URL(gateway.url).origin
    const context = await browser.newContext({ viewport: { width: 1280, height: 1600 } })
    const [name, value] = cookie.split(';', 1)[0]!.split('=') as [string, string]
    await context.addCookies([{ name, value, url: origin }])
    const page = await context.newPage()
    const refused: string[] = []
    const pageErrors: string[] = []
    // The network is cut off: anything not served by the gateway itself fails.
    await page.route('**/*', (route) => {
      const url = route.request().url()
      if (new URL(url).origin === origin) return route.continue()
      refused.push(url)
      return route.abort('internetdisconnected')
    })
    page.on('pageerror', (error) => pageErrors.push(error.message))

    await page.goto(`${origin}/docs`)
    await page.locator('.opblock-summary-path[data-path="/api/estoque/itens/{item_id}"]').first().waitFor({ timeout: 30_000 })
    const item = await db.collection('itens').findOne({ ativo: true }, { sort: { codigo: 1 } })
    const operation = page.locator('.opblock-get').filter({ has: page.locator('.opblock-summary-path[data-path="/api/estoque/itens/{item_id}"]') }).first()
    await operation.locator('.opblock-summary').click()
    await operation.locator('.try-out__btn').click()
    await operation.locator('tr[data-param-name="item_id"] input').fill(String(item!._id))
    const answered = page.waitForResponse((response) => response.url().endsWith(`/api/estoque/itens/${String(item!._id)}`))
    await operation.locator('.execute').click()
    const response = await answered
    expect(response.status()).toBe(200)
    expect(response.headers()['x-gateway-upstream']).toBe('gateway')
    const shown = operation.locator('.live-responses-table .response .response-col_status').first()
    await expect.poll(async () => (await shown.textContent())?.trim()).toBe('200')
    await expect.poll(async () => (await operation.locator('.live-responses-table .microlight').first().textContent()) ?? '').toContain(String(item!.codigo))
    await page.screenshot({ path: path.join(await screenshotDir('docs'), 'swagger-offline.png'), fullPage: false })

    expect(refused).toEqual([])
    expect(pageErrors).toEqual([])
    await context.close()
  })
})
