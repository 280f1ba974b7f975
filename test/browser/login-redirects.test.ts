// Open redirects through the login form's `next`, in a real browser: Chromium logs in on the legacy form
// with every spelling that could lead elsewhere, through a gateway in each login mode, and the page it
// lands on is on the gateway's origin. Requests the page starts to another origin are recorded and
// aborted; a redirect hop is not routed by Playwright, and on the closed test network it fails at once.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { seed, DEMO_USER } from '../../scripts/seed/index.js'
import { startGateway, TEST_SECRET_KEY, type GatewayProcess } from '../../scripts/dev/gateway-process.js'
import { startLegacyApp, type LegacyApp } from '../../scripts/dev/legacy-app.js'
import { connectTestDb } from '../support/mongo.js'
import { launchChromium } from './support.js'

const START_MS = 180_000
const MODES = ['legacy', 'migrated'] as const

/** As typed into the address bar / a link's href (Chromium's own URL parser handles the raw tab). */
const SPELLINGS = [
  '/\\evil.example',
  '/%5Cevil.example',
  '/%09/evil.example',
  '/\t/evil.example',
  '//evil.example',
  '/%2F/evil.example',
  '\\\\evil.example',
  'https:evil.example',
  'https://evil.example',
  'HtTpS://evil.example',
  '///evil.example',
  '%2F%2Fevil.example',
]

let testDb: Awaited<ReturnType<typeof connectTestDb>>
let legacy: LegacyApp
let browser: Browser
const gateways = {} as Record<(typeof MODES)[number], GatewayProcess>

beforeAll(async () => {
  testDb = await connectTestDb('browser_login_redirects')
  await seed(testDb.db, { items: 5, movements: 5 })
  const base = { mongoUri: inject('mongoUri'), dbName: testDb.db.databaseName }
  ;[legacy, browser] = await Promise.all([startLegacyApp({ ...base, secretKey: TEST_SECRET_KEY, workers: 2 }), launchChromium()])
  const env = { LOGIN_RATE_LIMIT_PER_IP: '100000' }
  ;[gateways.legacy, gateways.migrated] = await Promise.all([
    startGateway({ ...base, healthTimeoutMs: START_MS, legacyUrl: legacy.url, env }),
    startGateway({ ...base, healthTimeoutMs: START_MS, legacyUrl: legacy.url, env: { ...env, ROUTE_MODES: 'login=migrated,logout=migrated' } }),
  ])
}, START_MS * 2)

afterAll(async () => {
  await browser?.close()
  await Promise.all(MODES.map((mode) => gateways[mode]?.stop()))
  await legacy?.stop()
  await testDb?.drop()
})

describe.each(MODES)('login=%s in Chromium', (mode) => {
  it('stays on the gateway origin after logging in with every spelling of an off-site next', { timeout: 180_000 }, async () => {
    const origin = new URL(gateways[mode].url).origin
    const context = await browser.newContext()
    const page: Page = await context.newPage()
    page.setDefaultTimeout(20_000)
    const elsewhere: string[] = []
    await page.route('**/*', (route) => {
      if (new URL(route.request().url()).origin === origin) return route.continue()
      elsewhere.push(route.request().url())
      return route.abort()
    })
    const landed: Array<[string, string]> = []
    try {
      for (const next of SPELLINGS) {
        await page.goto(`${origin}/login?next=${next}`)
        await page.fill('#email', DEMO_USER.email)
        await page.fill('#password', DEMO_USER.password)
        const posted = page.waitForResponse((response) => response.request().method() === 'POST')
        await page.click('#entrar')
        expect((await posted).status(), next).toBe(302)
        await page.waitForURL((url) => url.pathname !== '/login', { waitUntil: 'load' })
        landed.push([next, page.url()])
      }
    } finally {
      await context.close()
    }
    expect(elsewhere).toEqual([])
    for (const [next, url] of landed) expect(new URL(url).origin, `${JSON.stringify(next)} → ${url}`).toBe(origin)
    expect(landed).toHaveLength(SPELLINGS.length)
  })
})
