// POST /login at the edge, in both login modes (legacy: the legacy app answers after the gateway's checks;
// migrated: the gateway answers successes itself): every spelling and encoding of an e-mail counts toward
// one lockout, large form bodies are refused, `next` with control characters is a 400, redirects never
// leave the gateway's origin, and a wrong password costs what an unknown e-mail costs. Real gunicorn app,
// real gateway processes, real HTTP.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { seed } from '../../scripts/seed/index.js'
import { startGateway, TEST_SECRET_KEY, type GatewayProcess } from '../../scripts/dev/gateway-process.js'
import { startLegacyApp, type LegacyApp } from '../../scripts/dev/legacy-app.js'
import { sameOriginLocation } from '../../core/safe-redirect.js'
import { connectTestDb } from '../support/mongo.js'

const START_MS = 180_000
const PER_EMAIL = 5
const TIMING_USERS = 7
const MODES = ['legacy', 'migrated'] as const
type Mode = (typeof MODES)[number]

let testDb: Awaited<ReturnType<typeof connectTestDb>>
let legacy: LegacyApp
const gateways = {} as Record<Mode, GatewayProcess>

beforeAll(async () => {
  testDb = await connectTestDb('auth_login_edge')
  await seed(testDb.db, { items: 5, movements: 5 })
  // Extra active users with the demo user's hash (same method and parameters, password demo1234).
  const users = testDb.db.collection('usuarios')
  const demo = (await users.findOne({ email: 'demo@estoque.local' }))!
  const extra = MODES.flatMap((mode) => [`trava-${mode}@estoque.local`, ...Array.from({ length: TIMING_USERS }, (_, n) => `tempo-${mode}-${n}@estoque.local`)])
  await users.insertMany(extra.map((email) => ({ email, nome: email, senha_hash: demo.senha_hash, ativo: true })))
  const base = { mongoUri: inject('mongoUri'), dbName: testDb.db.databaseName }
  legacy = await startLegacyApp({ ...base, secretKey: TEST_SECRET_KEY, workers: 2 })
  const env = { LOGIN_RATE_LIMIT_PER_IP: '100000', LOGIN_RATE_LIMIT_PER_EMAIL: String(PER_EMAIL) }
  ;[gateways.legacy, gateways.migrated] = await Promise.all([
    startGateway({ ...base, healthTimeoutMs: START_MS, legacyUrl: legacy.url, env }),
    startGateway({ ...base, healthTimeoutMs: START_MS, legacyUrl: legacy.url, env: { ...env, ROUTE_MODES: 'login=migrated,logout=migrated' } }),
  ])
}, START_MS * 2)

afterAll(async () => {
  await Promise.all(MODES.map((mode) => gateways[mode]?.stop()))
  await legacy?.stop()
  await testDb?.drop()
})

type Body = URLSearchParams | FormData | string
function postLogin(base: string, body: Body, { query = '', headers = {} as Record<string, string> } = {}) {
  return fetch(`${base}/login${query}`, { method: 'POST', body, redirect: 'manual', headers })
}
const urlencoded = (email: string, password: string) => new URLSearchParams({ email, password })
function multipart(email: string, password: string, extra: Record<string, string> = {}): FormData {
  const form = new FormData()
  form.set('email', email)
  form.set('password', password)
  for (const [name, value] of Object.entries(extra)) form.set(name, value)
  return form
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

describe.each(MODES)('login=%s', (mode) => {
  const gateway = () => gateways[mode]

  it('counts every spelling and encoding of one e-mail toward one lockout, as the legacy lookup matches them', async () => {
    const email = `trava-${mode}@estoque.local`
    const [local, domain] = email.split('@') as [string, string]
    // The legacy app itself finds the user under these spellings (strip() of Unicode whitespace, full lower()).
    expect((await postLogin(legacy.url, urlencoded(`\u00a0${local.toUpperCase()}@${domain}\u3000`, 'demo1234'))).status).toBe(302)
    const spellings: Array<[string, (email: string, password: string) => Body]> = [
      [`\u00a0${local}@${domain}\u00a0`, urlencoded],
      [`${local.toUpperCase()}@${domain.toUpperCase()}\u3000`, multipart],
      [`\u2003${local}@${domain}\u0085`, urlencoded],
      [`\x1c\u2000${local}@${domain}\u200a`, multipart],
      [` ${email.toUpperCase()}\t`, urlencoded],
    ]
    expect(spellings).toHaveLength(PER_EMAIL)
    for (const [spelling, encode] of spellings) {
      const response = await postLogin(gateway().url, encode(spelling, 'wrong-password'))
      expect(response.status, JSON.stringify(spelling)).toBe(200) // the legacy app's failed-login form
      expect(await response.text()).toContain('E-mail ou senha inválidos.')
    }
    for (const encode of [urlencoded, multipart]) {
      const refused = await postLogin(gateway().url, encode(email, 'demo1234'))
      expect(refused.status).toBe(429)
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    }
    // Another e-mail is not affected.
    expect((await postLogin(gateway().url, multipart('demo@estoque.local', 'demo1234'))).status).toBe(302)
  })

  it('logs in from a multipart form with a Unicode-whitespace e-mail, and the session works', async () => {
    const response = await postLogin(gateway().url, multipart('\u00a0Demo@Estoque.Local\u2009', 'demo1234', { remember: '1' }), { query: '?next=/estoque/' })
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/estoque/')
    const cookie = response.headers.getSetCookie().map((c) => c.split(';', 1)[0]).join('; ')
    const me = await fetch(`${gateway().url}/api/me`, { headers: { cookie } })
    expect(me.status).toBe(200)
    expect(((await me.json()) as { email: string }).email).toBe('demo@estoque.local')
  })

  it('refuses form bodies over 16 KiB with a clear 413 (urlencoded, multipart, chunked), which the legacy app would read', async () => {
    const padding = 'x'.repeat(17 * 1024)
    const big = new URLSearchParams({ email: 'demo@estoque.local', password: 'demo1234', padding })
    expect((await postLogin(legacy.url, big)).status).toBe(302) // no such limit at the legacy app
    const chunked = () =>
      fetch(`${gateway().url}/login`, {
        method: 'POST',
        body: new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode(big.toString()))
            controller.close()
          },
        }),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        duplex: 'half',
        redirect: 'manual',
      } as RequestInit)
    for (const send of [() => postLogin(gateway().url, big), () => postLogin(gateway().url, multipart('demo@estoque.local', 'demo1234', { padding })), chunked]) {
      const response = await send()
      expect(response.status).toBe(413)
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(await response.text()).toContain('16 KiB')
    }
    // Just under the limit is read and logs in.
    const fits = new URLSearchParams({ email: 'demo@estoque.local', password: 'demo1234', padding: 'x'.repeat(15 * 1024) })
    expect((await postLogin(gateway().url, fits)).status).toBe(302)
  })

  it('refuses a form it cannot read exactly as Werkzeug (400) instead of letting the e-mail go uncounted', async () => {
    const lf = '--b\nContent-Disposition: form-data; name="email"\n\ndemo@estoque.local\n--b--\n'
    const refused = await postLogin(gateway().url, lf, { headers: { 'content-type': 'multipart/form-data; boundary=b' } })
    expect(refused.status).toBe(400)
    expect(await refused.text()).toContain('O formulário de login não pôde ser lido.')
    const badUtf8 = await postLogin(gateway().url, 'email=demo%40estoque.local%FF&password=x', { headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expect(badUtf8.status).toBe(400)
    // Other content types carry no form for Werkzeug (empty e-mail): the legacy app answers them as before.
    const json = await postLogin(gateway().url, JSON.stringify({ email: 'demo@estoque.local', password: 'demo1234' }), { headers: { 'content-type': 'application/json' } })
    expect(json.status).toBe(200)
    expect(json.headers.get('x-gateway-upstream')).toBe('legacy')
  })

  it('answers 400 for a next with control characters, before anything else (the legacy app crashes on CR/LF)', async () => {
    expect((await postLogin(legacy.url, urlencoded('demo@estoque.local', 'demo1234'), { query: '?next=/%0d%0aSet-Cookie:x=1' })).status).toBe(500)
    for (const next of ['/%0d%0aSet-Cookie:x=1', '/a%0a', '/%0d', '/%00', '/%7f', '/x%1b', '/%C2%85']) {
      const response = await postLogin(gateway().url, urlencoded('demo@estoque.local', 'demo1234'), { query: `?next=${next}` })
      expect(response.status, next).toBe(400)
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(response.headers.getSetCookie()).toEqual([])
      expect(await response.text()).toContain('O parâmetro next contém caracteres de controle.')
    }
    // A tab is dropped by Werkzeug as by browsers: not refused.
    const tab = await postLogin(gateway().url, urlencoded('demo@estoque.local', 'demo1234'), { query: '?next=/%09estoque/' })
    expect(tab.status).toBe(302)
    expect(tab.headers.get('location')).toBe('/estoque/')
  })

  it('never redirects off the gateway origin, whatever the spelling of next; same-origin targets are kept', async () => {
    // The legacy app's own bug: _destino_seguro passes "/<TAB>/evil.example", Werkzeug drops the tab.
    expect((await postLogin(legacy.url, urlencoded('demo@estoque.local', 'demo1234'), { query: '?next=/%09/evil.example' })).headers.get('location')).toBe('//evil.example')
    const origin = new URL(gateway().url).origin
    for (const next of OPEN_REDIRECT_SPELLINGS) {
      const response = await postLogin(gateway().url, urlencoded('demo@estoque.local', 'demo1234'), { query: `?next=${next}` })
      expect(response.status, next).toBe(302)
      const location = response.headers.get('location')!
      expect(sameOriginLocation(location, origin), `${next} → ${location}`).toBe(true)
      expect(new URL(location.replace(/[\t\n\r]/g, ''), origin).origin).toBe(origin)
    }
    for (const [next, expected] of [['/estoque/', '/estoque/'], ['/%5Cestoque', '/%5Cestoque'], ['/dashboard?x=1', '/dashboard?x=1'], ['/%09/evil.example', '/'], ['//evil.example', '/']]) {
      const response = await postLogin(gateway().url, urlencoded('demo@estoque.local', 'demo1234'), { query: `?next=${next}` })
      expect(response.headers.get('location'), next).toBe(expected)
    }
  })

  it('a wrong password for an existing e-mail costs no more than any password for an unknown one', async () => {
    const known: number[] = []
    const unknown: number[] = []
    const timed = async (email: string) => {
      const started = performance.now()
      const response = await postLogin(gateway().url, urlencoded(email, 'wrong-password'))
      await response.text()
      expect(response.status).toBe(200)
      return performance.now() - started
    }
    for (let n = 0; n < TIMING_USERS; n++) {
      known.push(await timed(`tempo-${mode}-${n}@estoque.local`))
      unknown.push(await timed(`ninguem-${mode}-${n}@estoque.local`))
    }
    const ratio = median(unknown) / median(known)
    console.log(`login=${mode}: median wrong password ${median(known).toFixed(1)} ms, unknown e-mail ${median(unknown).toFixed(1)} ms (ratio ${ratio.toFixed(2)})`)
    expect(ratio).toBeGreaterThanOrEqual(0.5)
  })
})

/** `next` spellings that lead a browser elsewhere if relayed as they are (raw query text). */
export const OPEN_REDIRECT_SPELLINGS = [
  '/\\evil.example',
  '/%5Cevil.example',
  '/%09/evil.example',
  '//evil.example',
  '/%2F/evil.example',
  '\\\\evil.example',
  '%5C%5Cevil.example',
  'https:evil.example',
  'https://evil.example',
  'HtTpS://evil.example',
  'HTTP://evil.example',
  '///evil.example',
  '/%09%09/evil.example',
  '%2F%2Fevil.example',
  '/%5C/evil.example',
]
