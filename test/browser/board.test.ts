// The migration board in Chromium: every declared route with its mode and numbers, a shadow route's match
// rate after real traffic (and a mismatch's side-by-side diff), the backlog of legacy endpoints, and a mode
// change made with the board's own button taking effect on the next request.
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_USER, seed } from '../../scripts/seed/index.js'
import { useTestStack } from '../support/stack.js'
import { eventually } from '../route-modes/support.js'
import { launchChromium, screenshotDir } from './support.js'

const ADMIN_TOKEN = 'board-admin-token-0123456789'
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` }
const stack = useTestStack({
  prefix: 'browser_board',
  seed: (db) => seed(db, { items: 20, movements: 40 }),
  // A long session-user cache: the gateway keeps the user it looked up, which the shadow comparison of
  // GET /api/me catches once the name changes underneath (a real, documented difference).
  gateway: { env: { ADMIN_TOKEN, ROUTE_MODES: 'estoque-hierarquia=shadow,me=shadow', SESSION_USER_CACHE_TTL_MS: '60000' } },
})
let browser: Browser

beforeAll(async () => {
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
})

describe('the migration board', () => {
  it('shows every route, a shadow match rate, the backlog, and changes a mode through its button', async () => {
    const { gateway, cookie, db } = stack()
    const get = async (target: string) => {
      const response = await fetch(`${gateway.url}${target}`, { headers: { cookie } })
      await response.arrayBuffer()
      return response
    }
    for (let round = 0; round < 3; round++) {
      expect((await get('/api/estoque/hierarquia')).headers.get('x-gateway-upstream')).toBe('legacy')
      expect((await get('/api/dashboard')).headers.get('x-gateway-upstream')).toBe('gateway')
      await get('/movimentacoes')
    }
    await get('/api/me')
    await db.collection('usuarios').updateOne({ email: DEMO_USER.email }, { $set: { nome: 'Nome Novo' } })
    await get('/api/me')
    const shadow = await eventually(
      async () => ((await (await fetch(`${gateway.url}/_gateway/shadow`, { headers: admin })).json()) as { routes: Array<{ name: string; compared: number; counts?: Record<string, number> }> }).routes,
      (routes) => routes.find((route) => route.name === 'estoque-hierarquia')?.compared === 3 && routes.find((route) => route.name === 'me')?.counts?.mismatch === 1,
      20_000,
    )
    expect(shadow.find((route) => route.name === 'estoque-hierarquia')!.counts).toEqual({ match: 3 })
    const declared = ((await (await fetch(`${gateway.url}/_gateway/routes`, { headers: admin })).json()) as { routes: Array<{ name: string }> }).routes

    const origin = new URL(gateway.url).origin
    const context = await browser.newContext({ viewport: { width: 1440, height: 1800 } })
    const page = await context.newPage()
    const problems: string[] = []
    page.on('pageerror', (error) => problems.push(error.message))
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text())
    })
    // Only the gateway is reachable: no CDN, nothing from elsewhere.
    const elsewhere: string[] = []
    await page.route('**/*', (route) => {
      if (new URL(route.request().url()).origin === origin) return route.continue()
      elsewhere.push(route.request().url())
      return route.abort('internetdisconnected')
    })

    // Without the token: refused. With ?token=: a cookie, and the token leaves the URL.
    expect((await page.goto(`${origin}/_gateway/`))!.status()).toBe(401)
    problems.length = 0 // Chromium logs that 401 as a console error; from here on nothing may fail.
    await page.goto(`${origin}/_gateway/?token=${ADMIN_TOKEN}`)
    expect(page.url()).toBe(`${origin}/_gateway/`)
    await page.locator('body[data-loaded="true"]').waitFor({ timeout: 30_000 })

    expect(await page.locator('#routes tr[data-route]').count()).toBe(declared.length)
    const hierarchy = page.locator('tr[data-route="estoque-hierarquia"]')
    expect(await hierarchy.locator('.mode').textContent()).toBe('shadow')
    expect(await hierarchy.locator('.match-rate').textContent()).toBe('100% of 3')
    // Traffic and match rate over time.
    expect(await hierarchy.locator('svg.spark polyline').count()).toBe(2)
    const me = page.locator('tr[data-route="me"]')
    expect(await me.locator('.match-rate').textContent()).toBe('50% of 2')
    const detail = page.locator('tr[data-detail="me"]')
    expect(await detail.locator('.paths code').first().textContent()).toBe('nome')
    expect(await detail.locator('.diff pre').count()).toBe(2)
    expect(await detail.textContent()).not.toContain(DEMO_USER.email)
    expect(await detail.textContent()).not.toContain('Nome Novo')

    // The backlog: the legacy page seen in traffic, with its requests.
    const pages = page.locator('#backlog tr[data-endpoint="paginas.movimentacoes"]')
    expect(await pages.locator('td').nth(2).textContent()).toBe('3')
    expect(await page.locator('#backlog tr[data-endpoint="api_dashboard.dashboard"]').count()).toBe(0)

    // A mode change through the board: the reason prompt, then the next request is the legacy app's.
    page.on('dialog', (dialog) => void dialog.accept('board test: back to legacy'))
    const changed = page.waitForResponse((response) => response.url().endsWith('/_gateway/routes/dashboard') && response.request().method() === 'PUT')
    await page.locator('tr[data-route="dashboard"] button[data-mode="legacy"]').click()
    expect((await changed).status()).toBe(200)
    await expect.poll(async () => page.locator('tr[data-route="dashboard"] .mode').textContent()).toBe('legacy')
    expect((await get('/api/dashboard')).headers.get('x-gateway-upstream')).toBe('legacy')
    await expect.poll(async () => page.locator('#changes').textContent()).toContain('board test: back to legacy')

    const dir = await screenshotDir('board')
    await page.screenshot({ path: path.join(dir, 'board.png'), fullPage: true })
    expect(elsewhere).toEqual([])
    expect(problems).toEqual([])
    await context.close()
  }, 180_000)
})
