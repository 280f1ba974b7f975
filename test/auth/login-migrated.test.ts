// POST /login and GET /logout answered by the gateway (ROUTE_MODES=login=migrated,logout=migrated): the
// cookies it issues are accepted by the real legacy app and vice versa, failures are the legacy form
// itself, logout clears exactly what Flask clears, and login attempts are rate-limited.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { seed } from '../../scripts/seed/index.js'
import { openSession } from '../../compat/flask/session.js'
import { startGateway, TEST_SECRET_KEY, type GatewayProcess } from '../../scripts/dev/gateway-process.js'
import { startLegacyApp, type LegacyApp } from '../../scripts/dev/legacy-app.js'
import { connectTestDb } from '../support/mongo.js'
import { readJson } from '../support/http.js'

const DEMO_ID = '5e0be1000100000000000001'
const UA = 'auth-test-browser/1.0'
const MIGRATED = 'login=migrated,logout=migrated'
const started: Array<{ stop(): Promise<unknown> }> = []
let testDb: Awaited<ReturnType<typeof connectTestDb>>
let legacy: LegacyApp
let gateway: GatewayProcess
let mongoUri: string
let dbName: string

beforeAll(async () => {
  testDb = await connectTestDb('auth_login')
  await seed(testDb.db, { items: 10, movements: 20 })
  mongoUri = inject('mongoUri')
  dbName = testDb.db.databaseName
  legacy = await startLegacyApp({ mongoUri, dbName, secretKey: TEST_SECRET_KEY, workers: 1 })
  started.push(legacy)
  gateway = await startGateway({
    mongoUri,
    dbName,
    legacyUrl: legacy.url,
    env: { ROUTE_MODES: MIGRATED, LOGIN_RATE_LIMIT_PER_IP: '1000', LOGIN_RATE_LIMIT_PER_EMAIL: '1000' },
  })
  started.push(gateway)
})

afterAll(async () => {
  await Promise.all(started.map((server) => server.stop()))
  await testDb?.drop()
})

type Form = Record<string, string>
function postLogin(base: string, form: Form, { query = '', cookie = '' } = {}) {
  return fetch(new URL(`/login${query}`, base), {
    method: 'POST',
    body: new URLSearchParams(form),
    redirect: 'manual',
    headers: { 'user-agent': UA, ...(cookie ? { cookie } : {}) },
  })
}
const get = (base: string, path: string, cookie = '') =>
  fetch(new URL(path, base), { redirect: 'manual', headers: { 'user-agent': UA, ...(cookie ? { cookie } : {}) } })
/** The `Cookie` header a browser would send after these Set-Cookie headers (deletions remove). */
function applySetCookies(jar: Map<string, string>, response: Response): Map<string, string> {
  for (const header of response.headers.getSetCookie()) {
    const [pair] = header.split(';', 1)
    const eq = pair!.indexOf('=')
    const name = pair!.slice(0, eq)
    if (/Max-Age=0/.test(header)) jar.delete(name)
    else jar.set(name, pair!.slice(eq + 1))
  }
  return jar
}
const cookieHeader = (jar: Map<string, string>) => [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
/** Set-Cookie headers with the value and dates masked, for comparing attributes. */
const shape = (response: Response) =>
  response.headers.getSetCookie().map((c) => c.replace(/^([^=]+)=[^;]+/, '$1=<v>').replace(/Expires=[^;]+GMT/, (e) => (e.includes('1970') ? e : 'Expires=<date>')))
const DEMO = { email: 'demo@estoque.local', password: 'demo1234' }

describe('login at the gateway', () => {
  it('answers itself with Flask\'s redirect and a session cookie shaped exactly like the legacy one', async () => {
    const [atGateway, atLegacy] = await Promise.all([
      postLogin(gateway.url, { email: '  DEMO@Estoque.Local ', password: 'demo1234' }, { query: '?next=/estoque/' }),
      postLogin(legacy.url, { email: '  DEMO@Estoque.Local ', password: 'demo1234' }, { query: '?next=/estoque/' }),
    ])
    expect(atGateway.headers.get('x-gateway-upstream')).toBe('gateway')
    for (const response of [atGateway, atLegacy]) {
      expect(response.status).toBe(302)
      expect(response.headers.get('location')).toBe('/estoque/')
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(response.headers.get('vary')).toBe('Cookie')
    }
    expect(await atGateway.text()).toBe(await atLegacy.text())
    expect(shape(atGateway)).toEqual(shape(atLegacy))
    expect(shape(atGateway)).toEqual(['session=<v>; HttpOnly; Path=/'])
    // Same session content: _user_id, _fresh and Flask-Login's _id for this client (via the proxy).
    const data = (r: Response) => openSession(applySetCookies(new Map(), r).get('session'), { secretKeys: [TEST_SECRET_KEY] })
    const mine = data(atGateway)
    const theirs = data(atLegacy)
    expect(mine.ok && theirs.ok).toBe(true)
    if (mine.ok && theirs.ok) {
      expect(Object.keys(mine.data)).toEqual(['_user_id', '_fresh', '_id'])
      expect(mine.data).toMatchObject({ _user_id: DEMO_ID, _fresh: true })
      expect(mine.data._id).toMatch(/^[0-9a-f]{128}$/)
    }
  })

  it('redirects to a safe next only, like _destino_seguro', async () => {
    for (const [query, location] of [['?next=//evil.example/x', '/'], ['?next=http://evil.example/', '/'], ['', '/'], ['?next=/movimentacoes?x=1', '/movimentacoes?x=1'], ['?next=', '/']]) {
      const response = await postLogin(gateway.url, DEMO, { query })
      expect(response.status).toBe(302)
      expect(response.headers.get('location'), query).toBe(location)
      expect(response.headers.get('x-gateway-upstream')).toBe('gateway')
    }
  })

  it('its session is accepted by legacy pages and legacy APIs (and the proxied page does not re-issue it)', async () => {
    const jar = applySetCookies(new Map(), await postLogin(gateway.url, DEMO))
    const page = await get(gateway.url, '/estoque/', cookieHeader(jar))
    expect(page.status).toBe(200)
    expect(page.headers.get('x-gateway-upstream')).toBe('legacy')
    expect(await page.text()).toContain('Usuário Demo')
    // Flask-Login's session protection would re-send a non-fresh cookie if _id did not match this client
    expect(page.headers.getSetCookie()).toEqual([])
    const me = await get(gateway.url, '/api/me', cookieHeader(jar))
    expect(me.status).toBe(200)
    expect(await me.json()).toEqual({ email: 'demo@estoque.local', nome: 'Usuário Demo' })
  })

  it('logs in the pbkdf2 user too', async () => {
    const response = await postLogin(gateway.url, { email: 'antigo@estoque.local', password: 'antigo1234' })
    expect(response.status).toBe(302)
    expect(response.headers.get('x-gateway-upstream')).toBe('gateway')
    const me = await get(legacy.url, '/api/me', cookieHeader(applySetCookies(new Map(), response)))
    expect((await readJson(me)).email).toBe('antigo@estoque.local')
  })

  it('"remember me" also sets the remember_token Flask-Login would set, which the legacy app accepts alone', async () => {
    const [atGateway, atLegacy] = await Promise.all([
      postLogin(gateway.url, { ...DEMO, remember: '1' }),
      postLogin(legacy.url, { ...DEMO, remember: '1' }),
    ])
    expect(shape(atGateway)).toEqual(shape(atLegacy))
    expect(shape(atGateway)).toEqual(['remember_token=<v>; Expires=<date>; HttpOnly; Path=/', 'session=<v>; HttpOnly; Path=/'])
    const token = (r: Response) => applySetCookies(new Map(), r).get('remember_token')
    expect(token(atGateway)).toBe(token(atLegacy))
    const expires = Date.parse(/Expires=([^;]+)/.exec(atGateway.headers.getSetCookie()[0]!)![1]!)
    expect(Math.abs(expires - (Date.now() + 365 * 86400_000))).toBeLessThan(120_000)
    const onlyRemember = await get(legacy.url, '/api/me', `remember_token=${token(atGateway)}`)
    expect(onlyRemember.status).toBe(200)
  })

  it.each([
    ['wrong password', { email: 'demo@estoque.local', password: 'wrong' }],
    ['unknown e-mail', { email: 'nobody@estoque.local', password: 'demo1234' }],
    ['inactive user', { email: 'inativo@estoque.local', password: 'inativo1234' }],
    ['empty form', {}],
    ['non-ASCII e-mail', { email: 'dêmo@estoque.local', password: 'x' }],
  ])('a failed login (%s) is the legacy form itself, from the legacy app, body replayed', async (_label, form: Form) => {
    const [atGateway, atLegacy] = await Promise.all([postLogin(gateway.url, form), postLogin(legacy.url, form)])
    expect(atGateway.status).toBe(200)
    expect(atGateway.headers.get('x-gateway-upstream')).toBe('legacy')
    const html = await atGateway.text()
    expect(html).toBe(await atLegacy.text())
    expect(html).toContain('E-mail ou senha inválidos.')
    expect(atGateway.headers.getSetCookie()).toEqual([])
  })

  it('a failed login while logged in shows the legacy form with the navigation, like the legacy app', async () => {
    const jar = applySetCookies(new Map(), await postLogin(gateway.url, DEMO))
    const response = await postLogin(gateway.url, { email: 'demo@estoque.local', password: 'wrong' }, { cookie: cookieHeader(jar) })
    expect(response.status).toBe(200)
    const html = await response.text()
    expect(html).toContain('E-mail ou senha inválidos.')
    expect(html).toContain('data-testid="nav-sair"')
  })

  it('a login that is not form-encoded goes to the legacy app untouched', async () => {
    const response = await fetch(new URL('/login', gateway.url), {
      method: 'POST',
      body: JSON.stringify(DEMO),
      headers: { 'content-type': 'application/json' },
      redirect: 'manual',
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-gateway-upstream')).toBe('legacy')
    expect(await response.text()).toContain('E-mail ou senha inválidos.')
  })
})

describe('logout at the gateway', () => {
  const scenarios: Array<[string, (jar: Map<string, string>) => string]> = [
    ['session', (jar) => `session=${jar.get('session')}`],
    ['session + remember', (jar) => cookieHeader(jar)],
    ['remember only', (jar) => `remember_token=${jar.get('remember_token')}`],
    ['no cookies', () => ''],
    ['an invalid session', () => 'session=garbage'],
  ]
  it.each(scenarios)('sends the same status, Location and Set-Cookie headers as Flask (%s)', async (_label, pick) => {
    const jar = applySetCookies(new Map(), await postLogin(legacy.url, { ...DEMO, remember: '1' }))
    const cookie = pick(jar)
    const [atGateway, atLegacy] = await Promise.all([get(gateway.url, '/logout', cookie), get(legacy.url, '/logout', cookie)])
    expect(atGateway.headers.get('x-gateway-upstream')).toBe('gateway')
    expect(atGateway.status).toBe(302)
    expect(atGateway.headers.get('location')).toBe(atLegacy.headers.get('location'))
    expect(atGateway.headers.get('vary')).toBe(atLegacy.headers.get('vary'))
    expect(atGateway.headers.getSetCookie()).toEqual(atLegacy.headers.getSetCookie())
    expect(await atGateway.text()).toBe(await atLegacy.text())
  })
})

describe('round trip: log in at the gateway, use everything, log out at the gateway', () => {
  it('works everywhere while logged in and is refused everywhere after logout', async () => {
    const jar = applySetCookies(new Map(), await postLogin(gateway.url, { ...DEMO, remember: '1' }))
    const checks = [
      ['legacy page', '/estoque/', 'legacy'],
      ['legacy page', '/dashboard', 'legacy'],
      ['migrated route', '/api/me', 'gateway'],
      ['migrated route', '/api/estoque/itens', 'gateway'],
      ['migrated route', '/api/dashboard', 'gateway'],
      ['migrated route', '/api/estoque/hierarquia', 'gateway'],
      ['migrated route', '/api/movimentacoes', 'gateway'],
    ] as const
    for (const [label, path, upstream] of checks) {
      const response = await get(gateway.url, path, cookieHeader(jar))
      await response.body?.cancel()
      expect(response.status, `${label} ${path}`).toBe(200)
      expect(response.headers.get('x-gateway-upstream'), path).toBe(upstream)
    }

    const logout = await get(gateway.url, '/logout', cookieHeader(jar))
    expect(logout.status).toBe(302)
    expect(logout.headers.get('location')).toBe('/login')
    applySetCookies(jar, logout)
    expect(jar.size).toBe(0)

    for (const [label, path] of checks) {
      const response = await get(gateway.url, path, cookieHeader(jar))
      if (path.startsWith('/api/')) {
        expect(response.status, `${label} ${path}`).toBe(401)
        expect(await response.json()).toEqual({ erro: 'Não autenticado' })
      } else {
        await response.body?.cancel()
        expect(response.status, `${label} ${path}`).toBe(302)
        expect(response.headers.get('location')).toBe(`/login?next=${path}`)
      }
    }
  })
})

describe('rate limits (per client address, and failed attempts per e-mail)', () => {
  it('answers 429 with Retry-After and Werkzeug\'s HTML page once an address has used its attempts', async () => {
    const limited = await startGateway({ mongoUri, dbName, legacyUrl: legacy.url, env: { ROUTE_MODES: MIGRATED, LOGIN_RATE_LIMIT_PER_IP: '3' } })
    started.push(limited)
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const response = await postLogin(limited.url, DEMO)
      expect(response.status).toBe(302)
    }
    const refused = await postLogin(limited.url, DEMO)
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60)
    expect(refused.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(await refused.text()).toContain('<title>429 Too Many Requests</title>')
    // GET /login (the form) is not limited: it is the legacy app's
    expect((await get(limited.url, '/login')).status).toBe(200)
  })

  it('counts failed attempts per e-mail (normalized), whatever the address', async () => {
    const limited = await startGateway({ mongoUri, dbName, legacyUrl: legacy.url, env: { ROUTE_MODES: MIGRATED, LOGIN_RATE_LIMIT_PER_EMAIL: '2' } })
    started.push(limited)
    for (let attempt = 0; attempt < 2; attempt += 1) {
      expect((await postLogin(limited.url, { email: 'antigo@estoque.local', password: 'wrong' })).status).toBe(200)
    }
    const refused = await postLogin(limited.url, { email: ' ANTIGO@estoque.local', password: 'antigo1234' })
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/)
    // other e-mails are unaffected
    expect((await postLogin(limited.url, DEMO)).status).toBe(302)
  })
})
