// The gateway's session check against cookies issued by the real legacy Flask app (gunicorn, Flask 3.1,
// Flask-Login): current key, rotated key, expired, remember-me only (verified by the gateway), hostile. Migrated routes must accept
// exactly what the legacy app accepts.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { seed } from '../../scripts/seed/index.js'
import { openSession } from '../../compat/flask/session.js'
import { encodeRememberCookie } from '../../compat/flask/login.js'
import { flaskSessionCookie } from '../support/flask-cookie.js'
import { startGateway, TEST_SECRET_KEY, type GatewayProcess } from '../../scripts/dev/gateway-process.js'
import { startLegacyApp, type LegacyApp } from '../../scripts/dev/legacy-app.js'
import { login } from '../support/login.js'
import { connectTestDb } from '../support/mongo.js'
import { readJson } from '../support/http.js'

const OLD_KEY = 'old-key-now-in-fallbacks'
const DEMO_ID = '5e0be1000100000000000001'
const started: Array<{ stop(): Promise<unknown> }> = []
let testDb: Awaited<ReturnType<typeof connectTestDb>>
let legacy: LegacyApp
let oldLegacy: LegacyApp
let otherLegacy: LegacyApp
let gateway: GatewayProcess

beforeAll(async () => {
  testDb = await connectTestDb('auth_cookies')
  await seed(testDb.db, { items: 10, movements: 20 })
  const mongoUri = inject('mongoUri')
  const dbName = testDb.db.databaseName
  ;[legacy, oldLegacy, otherLegacy] = await Promise.all([
    startLegacyApp({ mongoUri, dbName, secretKey: TEST_SECRET_KEY, secretKeyFallbacks: [OLD_KEY], workers: 1 }),
    startLegacyApp({ mongoUri, dbName, secretKey: OLD_KEY, workers: 1 }),
    startLegacyApp({ mongoUri, dbName, secretKey: 'some-other-app-key', workers: 1 }),
  ])
  started.push(legacy, oldLegacy, otherLegacy)
  gateway = await startGateway({ mongoUri, dbName, legacyUrl: legacy.url, env: { SECRET_KEY_FALLBACKS: OLD_KEY } })
  started.push(gateway)
})

afterAll(async () => {
  await Promise.all(started.map((server) => server.stop()))
  await testDb?.drop()
})

const sessionOf = (cookies: string) => cookies.split('; ').find((cookie) => cookie.startsWith('session='))!
const get = (base: string, path: string, cookie?: string) =>
  fetch(new URL(path, base), { headers: cookie ? { cookie } : {}, redirect: 'manual' })

describe('cookies issued by the real Flask app', () => {
  it('a session from a login at the legacy app opens in TypeScript and authenticates migrated routes', async () => {
    const cookie = sessionOf(await login(legacy.url))
    const opened = openSession(cookie.slice('session='.length), { secretKeys: [TEST_SECRET_KEY] })
    expect(opened).toMatchObject({ ok: true, data: { _user_id: DEMO_ID, _fresh: true } })
    if (opened.ok) expect(opened.data._id).toMatch(/^[0-9a-f]{128}$/)

    const response = await get(gateway.url, '/api/dashboard', cookie)
    expect(response.status).toBe(200)
    expect(response.headers.get('x-gateway-upstream')).toBe('gateway')
    expect((await readJson(response)).total_itens).toBeTypeOf('number')
  })

  it('a session signed by an app still on the OLD key (now in SECRET_KEY_FALLBACKS) is accepted', async () => {
    const cookie = sessionOf(await login(oldLegacy.url))
    expect(openSession(cookie.slice('session='.length), { secretKeys: [TEST_SECRET_KEY] }).ok).toBe(false)
    const viaGateway = await get(gateway.url, '/api/dashboard', cookie)
    expect(viaGateway.status).toBe(200)
    expect(viaGateway.headers.get('x-gateway-upstream')).toBe('gateway')
    // and the legacy app with the same fallback agrees
    expect((await get(legacy.url, '/api/dashboard', cookie)).status).toBe(200)
  })

  it('a session signed with a key that is neither current nor fallback is refused, like the legacy app does', async () => {
    const cookie = sessionOf(await login(otherLegacy.url))
    for (const base of [gateway.url, legacy.url]) {
      const response = await get(base, '/api/dashboard', cookie)
      expect(response.status).toBe(401)
      expect(await response.json()).toEqual({ erro: 'Não autenticado' })
    }
  })

  it('an expired session (signed by Flask 32 days ago) is refused by both; one signed 30 days ago is accepted by both', async () => {
    const now = Math.floor(Date.now() / 1000)
    const data = { _user_id: DEMO_ID, _fresh: true }
    const expired = `session=${await flaskSessionCookie(TEST_SECRET_KEY, data, now - 32 * 86400)}`
    const recent = `session=${await flaskSessionCookie(TEST_SECRET_KEY, data, now - 30 * 86400)}`
    for (const base of [gateway.url, legacy.url]) {
      expect((await get(base, '/api/dashboard', expired)).status).toBe(401)
      expect((await get(base, '/api/dashboard', recent)).status).toBe(200)
    }
  })

  /** What a Flask response says about cookies: each Set-Cookie with its value blanked, and the session payloads. */
  const cookieEffects = (response: Response) => {
    const setCookies = response.headers.getSetCookie()
    return {
      shapes: setCookies.map((cookie) => cookie.replace(/^([^=]+)=[^;]*/, '$1=<value>').replace(/Expires=[^;]+/, 'Expires=<date>')),
      sessions: setCookies
        .filter((cookie) => cookie.startsWith('session='))
        .map((cookie) => openSession(cookie.split(';', 1)[0]!.slice('session='.length), { secretKeys: [TEST_SECRET_KEY] }))
        // The signing second differs when the two answers straddle a second: compared as "signed just now".
        .map((opened) => (opened.ok ? { ...opened, timestamp: Math.abs(opened.timestamp - Date.now() / 1000) < 60 ? 'now' : opened.timestamp } : opened)),
    }
  }
  const bothSides = async (path: string, cookie: string) => {
    const [viaGateway, direct] = await Promise.all([get(gateway.url, path, cookie), get(legacy.url, path, cookie)])
    return { viaGateway, direct }
  }

  it('remember-me only: the gateway verifies the cookie itself and answers like the legacy app, Set-Cookie included', async () => {
    const response = await fetch(new URL('/login', legacy.url), {
      method: 'POST',
      body: new URLSearchParams({ email: 'demo@estoque.local', password: 'demo1234', remember: '1' }),
      redirect: 'manual',
    })
    await response.body?.cancel()
    const remember = response.headers.getSetCookie().map((c) => c.split(';', 1)[0]!).find((c) => c.startsWith('remember_token='))!
    expect(remember).toMatch(new RegExp(`^remember_token=${DEMO_ID}\\|[0-9a-f]{128}$`))
    expect(encodeRememberCookie(DEMO_ID, TEST_SECRET_KEY)).toBe(remember.slice('remember_token='.length))

    const { viaGateway, direct } = await bothSides('/api/dashboard', remember)
    expect(viaGateway.headers.get('x-gateway-upstream')).toBe('gateway')
    expect(viaGateway.status).toBe(200)
    expect(direct.status).toBe(200)
    expect(direct.headers.get('vary')).toBe('Cookie')
    // (the gateway's own compression adds Accept-Encoding)
    expect(viaGateway.headers.get('vary')?.split(', ')).toContain('Cookie')
    expect(viaGateway.headers.get('content-type')).toBe(direct.headers.get('content-type'))
    expect(await readJson(viaGateway)).toEqual(await readJson(direct))
    // Same Set-Cookie headers: one session cookie, same attributes, same payload (only the timestamp differs).
    const [gatewayCookies, legacyCookies] = [cookieEffects(viaGateway), cookieEffects(direct)]
    expect(gatewayCookies.shapes).toEqual(['session=<value>; HttpOnly; Path=/'])
    expect(gatewayCookies).toEqual(legacyCookies)
    expect(gatewayCookies.sessions[0]).toMatchObject({ ok: true, data: { _user_id: DEMO_ID, _fresh: false } })

    // With the restored session the gateway answers, as before; the legacy app accepts the gateway's cookie.
    const restored = viaGateway.headers.getSetCookie()[0]!.split(';', 1)[0]!
    for (const base of [gateway.url, legacy.url]) {
      const next = await get(base, '/api/dashboard', `${remember}; ${restored}`)
      expect(next.status).toBe(200)
      await next.body?.cancel()
    }
  })

  it('remember-me cookies that restore nobody: both answer 401 with the same cookie effects, the gateway on its own', async () => {
    const cases = [
      `remember_token=${DEMO_ID}|${'0'.repeat(128)}`, // forged digest
      `remember_token=${encodeRememberCookie(DEMO_ID, OLD_KEY)}`, // signed with a fallback key: Flask-Login ignores fallbacks
      `remember_token=${encodeRememberCookie('ffffffffffffffffffffffff', TEST_SECRET_KEY)}`, // valid, nobody: session still written
      `remember_token=${encodeRememberCookie('not-an-object-id', TEST_SECRET_KEY)}`,
      'remember_token=',
      `remember_token=${DEMO_ID}`,
    ]
    for (const cookie of cases) {
      const { viaGateway, direct } = await bothSides('/api/dashboard', cookie)
      expect(viaGateway.headers.get('x-gateway-upstream'), cookie).toBe('gateway')
      expect([viaGateway.status, direct.status], cookie).toEqual([401, 401])
      expect(await viaGateway.text()).toBe(await direct.text())
      expect(cookieEffects(viaGateway), cookie).toEqual(cookieEffects(direct))
    }
  })

  it('a remember cookie Python would crash on (non-ASCII digest) stays the legacy app\'s', async () => {
    const response = await get(gateway.url, '/api/dashboard', `remember_token=${DEMO_ID}|\u00e9`)
    expect(response.headers.get('x-gateway-upstream')).toBe('legacy')
    await response.body?.cancel()
  })

  it('hostile cookies are 401 at the gateway (never 500), and 401 at the legacy app too', async () => {
    const real = sessionOf(await login(legacy.url)).slice('session='.length)
    const [payload, timestamp, signature] = real.split('.').slice(-3) as [string, string, string]
    const compressed = real.startsWith('.') ? '.' : ''
    const hostile = [
      `${compressed}${payload}.${timestamp}.${signature.slice(0, -2)}AA`, // tampered signature
      `${compressed}${payload}x.${timestamp}.${signature}`, // tampered payload
      `${compressed}${payload}.${timestamp}A.${signature}`, // tampered timestamp
      real.slice(0, real.length - 5), // truncated
      `${real}${'A'.repeat(5000)}`, // oversized
      '!!!.***.$$$', // not base64
      'eyJfdXNlcl9pZCI6IjVlMGJlMTAwMDEwMDAwMDAwMDAwMDAwMSJ9.Z0.AAAA', // unsigned forgery
      await flaskSessionCookie(TEST_SECRET_KEY, { _user_id: 'not-an-object-id' }, Math.floor(Date.now() / 1000)),
      await flaskSessionCookie(TEST_SECRET_KEY, { _user_id: { $ne: null } }, Math.floor(Date.now() / 1000)),
    ]
    for (const value of hostile) {
      for (const base of [gateway.url, legacy.url]) {
        const response = await get(base, '/api/dashboard', `session=${value}`)
        expect(response.status, `${base} ${value.slice(0, 40)}`).toBe(401)
      }
    }
  })
})
