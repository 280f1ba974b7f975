import { Hono } from 'hono'
import { ObjectId, type Db } from 'mongodb'
import { beforeEach, describe, expect, it } from 'vitest'
import type { GatewayEnv } from '../env.js'
import { encodeSession, openSession } from '../../compat/flask/session.js'
import { encodeRememberCookie, sessionIdentifier } from '../../compat/flask/login.js'
import { Defer } from '../route.js'
import { loginRequired, requestPathIsApi, sessionSecretKeys, withSessionHeaders } from './require-user.js'

const ACTIVE = new ObjectId('0123456789abcdef01234567')
const INACTIVE = new ObjectId('0123456789abcdef01234568')
const NO_NAME = new ObjectId('0123456789abcdef01234569')
const users = [
  { _id: ACTIVE, email: 'a@x', nome: 'Ana', ativo: true, senha_hash: 'secret' },
  { _id: INACTIVE, email: 'b@x', nome: 'Bia', ativo: false },
  { _id: NO_NAME, email: 'c@x', nome: '', ativo: true },
]

function fakeDb() {
  const queries: unknown[] = []
  const db = {
    collection: () => ({
      findOne: async (filter: { _id: ObjectId; ativo: boolean }, options: { projection: Record<string, number> }) => {
        queries.push({ filter, options })
        const doc = users.find((user) => user._id.equals(filter._id) && user.ativo === filter.ativo)
        if (!doc) return null
        return Object.fromEntries(Object.entries(doc).filter(([key]) => options.projection[key]))
      },
    }),
  } as unknown as Db
  return { db, queries }
}

// Every case runs with verified cookies remembered and without (the describe.each below).
let sessionCacheMax = 0

function appWith(secretKeys = ['current', 'previous']) {
  const { db, queries } = fakeDb()
  const authenticate = loginRequired({ db, secretKeys, sessionCacheMax })
  // The dispatcher's use of the policy, reduced: a deferral is answered by "legacy" (418 here).
  const app = new Hono<GatewayEnv>()
  app.get('*', async (c) => {
    const outcome = await authenticate({
      cookieHeader: c.req.header('cookie'),
      path: c.req.path,
      legacyIdentity: sessionIdentifier(null, null, c.req.header('user-agent') ?? null),
    })
    if (outcome instanceof Defer) return c.text('from legacy', 418)
    if (outcome instanceof Response) return outcome
    return withSessionHeaders(c.req.path === '/page' ? c.text('page') : c.json(outcome.user), outcome.setCookies)
  })
  return { app, queries }
}

const cookieFor = (userId: unknown, key = 'current') => `session=${encodeSession({ _user_id: userId, _fresh: true }, key)}`
const get = (app: Hono<GatewayEnv>, cookie?: string, path = '/api/me') =>
  app.request(path, { headers: cookie === undefined ? {} : { cookie } })

describe.each([0, 1000])('loginRequired (SESSION_COOKIE_CACHE_MAX %i)', (cacheMax) => {
  beforeEach(() => {
    sessionCacheMax = cacheMax
  })

  it('sets the user from a valid session and loads it by _id, active only, projected', async () => {
    const { app, queries } = appWith()
    const response = await get(app, cookieFor(ACTIVE.toHexString()))
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ id: ACTIVE.toHexString(), email: 'a@x', nome: 'Ana' })
    expect(response.headers.get('vary')).toBe('Cookie')
    expect(queries).toEqual([{ filter: { _id: ACTIVE, ativo: true }, options: { projection: { _id: 1, email: 1, nome: 1 } } }])
  })

  it('accepts a session signed with a fallback key', async () => {
    const { app } = appWith()
    expect((await get(app, cookieFor(ACTIVE.toHexString(), 'previous'))).status).toBe(200)
  })

  it('uses the e-mail as the name when nome is empty (User.nome = doc.get("nome") or doc["email"])', async () => {
    const { app } = appWith()
    expect(await (await get(app, cookieFor(NO_NAME.toHexString()))).json()).toMatchObject({ nome: 'c@x' })
  })

  it('reads _user_id as load_user does: upper-case hex and 12 raw bytes are ObjectIds', async () => {
    const { app } = appWith()
    expect((await get(app, cookieFor(ACTIVE.toHexString().toUpperCase()))).status).toBe(200)
    expect((await get(app, cookieFor(Buffer.from(ACTIVE.id)))).status).toBe(200)
  })

  const unauthenticated = [
    ['no cookie', undefined],
    ['an empty session cookie', 'session='],
    ['a session without _user_id', `session=${encodeSession({ _fresh: false }, 'current')}`],
    ['an inactive user', cookieFor(INACTIVE.toHexString())],
    ['an unknown user', cookieFor(new ObjectId().toHexString())],
    ['a key the gateway does not know', cookieFor(ACTIVE.toHexString(), 'other')],
    ['_user_id that is not an ObjectId (short)', cookieFor('0123')],
    ['_user_id that is not an ObjectId (24 non-hex)', cookieFor('zzzzzzzzzzzzzzzzzzzzzzzz')],
    ['_user_id that is a number', cookieFor(123)],
    ['_user_id that is an object', cookieFor({ $ne: null })],
    ['garbage', 'session=%%%; other=1'],
  ] as const

  it.each(unauthenticated)('answers 401 JSON for %s', async (_label, cookie) => {
    const { app } = appWith()
    const response = await get(app, cookie)
    expect(response.status).toBe(401)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(response.headers.get('vary')).toBe('Cookie')
    expect(await response.json()).toEqual({ erro: 'Não autenticado' })
  })

  describe('remember_token cookie (Flask-Login _load_user_from_remember_cookie)', () => {
    const remember = (userId: string, key = 'current') => `remember_token=${encodeRememberCookie(userId, key)}`
    const sessionCookies = (response: Response) => response.headers.getSetCookie().filter((c) => c.startsWith('session='))
    const reopen = (setCookie: string) => openSession(setCookie.split(';')[0]!.slice('session='.length), { secretKeys: ['current'] })

    it('a valid cookie authenticates and writes _user_id + _fresh=False into a new session (no _id)', async () => {
      const { app } = appWith()
      const response = await get(app, remember(ACTIVE.toHexString()))
      expect(response.status).toBe(200)
      expect(await response.json()).toEqual({ id: ACTIVE.toHexString(), email: 'a@x', nome: 'Ana' })
      const cookies = response.headers.getSetCookie()
      expect(cookies).toHaveLength(1) // REMEMBER_COOKIE_REFRESH_EACH_REQUEST is off: no new remember_token
      expect(cookies[0]).toMatch(/^session=[^;]+; HttpOnly; Path=\/$/)
      const reopened = reopen(cookies[0]!)
      expect(reopened.ok && reopened.data).toEqual({ _user_id: ACTIVE.toHexString(), _fresh: false })
    })

    it('keeps the payload as written (upper-case hex) and loads the user from it', async () => {
      const { app } = appWith()
      const response = await get(app, remember(ACTIVE.toHexString().toUpperCase()))
      expect(response.status).toBe(200)
      const reopened = reopen(sessionCookies(response)[0]!)
      expect(reopened.ok && reopened.data._user_id).toBe(ACTIVE.toHexString().toUpperCase())
    })

    it('restores over a session whose user is no longer active, keeping its other keys', async () => {
      const { app } = appWith()
      const cookie = `${remember(ACTIVE.toHexString())}; session=${encodeSession({ _user_id: INACTIVE.toHexString(), _fresh: true, x: 1 }, 'current')}`
      const response = await get(app, cookie)
      expect(response.status).toBe(200)
      const reopened = reopen(sessionCookies(response)[0]!)
      expect(reopened.ok && reopened.data).toEqual({ _user_id: ACTIVE.toHexString(), _fresh: false, x: 1 })
    })

    it('a validly signed cookie for an unknown or inactive user: 401, but the session is written (as Flask-Login does)', async () => {
      const { app } = appWith()
      for (const id of [INACTIVE.toHexString(), 'not-an-id']) {
        const response = await get(app, remember(id))
        expect(response.status).toBe(401)
        const reopened = reopen(sessionCookies(response)[0]!)
        expect(reopened.ok && reopened.data).toEqual({ _user_id: id, _fresh: false })
      }
    })

    it('forged, fallback-signed, empty, or bar-less cookies authenticate nobody and write nothing', async () => {
      const { app } = appWith()
      const digest = encodeRememberCookie(ACTIVE.toHexString(), 'current').split('|')[1]!
      for (const cookie of [
        `remember_token=${ACTIVE.toHexString()}|${'0'.repeat(128)}`,
        remember(ACTIVE.toHexString(), 'previous'), // Flask-Login uses SECRET_KEY only, never the fallbacks
        `remember_token=${ACTIVE.toHexString()}|${digest.toUpperCase()}`,
        `remember_token=${ACTIVE.toHexString()}|${digest}0`,
        'remember_token=',
        'remember_token',
        `remember_token=${ACTIVE.toHexString()}`,
      ]) {
        const response = await get(app, cookie)
        expect(response.status, cookie).toBe(401)
        expect(response.headers.getSetCookie(), cookie).toEqual([])
      }
    })

    it('is ignored when the session says _remember: "clear", and the remember cookie is then deleted', async () => {
      const { app } = appWith()
      const response = await get(app, `${remember(ACTIVE.toHexString())}; session=${encodeSession({ _remember: 'clear' }, 'current')}`)
      expect(response.status).toBe(401)
      const [cleared, saved, ...rest] = response.headers.getSetCookie()
      expect(cleared).toBe('remember_token=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/')
      // session protection marked it not fresh before "_remember" was popped
      const reopened = reopen(saved!)
      expect(reopened.ok && reopened.data).toEqual({ _fresh: false })
      expect(rest).toEqual([])
    })

    it('defers what Python would crash on: a non-ASCII digest', async () => {
      const { app } = appWith()
      expect((await get(app, `remember_token=${ACTIVE.toHexString()}|\u00e9`)).status).toBe(418)
    })

    it("a page with no user is still the legacy app's redirect", async () => {
      const { app } = appWith()
      expect((await get(app, 'remember_token=abc|def', '/page')).status).toBe(418)
      expect((await get(app, remember(ACTIVE.toHexString()), '/page')).status).toBe(200)
    })
  })

  it('requestPathIsApi reads the path percent-decoded, like request.path', () => {
    expect(requestPathIsApi('/api/x')).toBe(true)
    expect(requestPathIsApi('/%61pi/x')).toBe(true)
    expect(requestPathIsApi('/%2Fapi/x')).toBe(false)
    expect(requestPathIsApi('/apix')).toBe(false)
  })

  it('does not consult legacy when the session alone authenticates, remember_token or not', async () => {
    const { app } = appWith()
    expect((await get(app, `remember_token=x; ${cookieFor(ACTIVE.toHexString())}`)).status).toBe(200)
  })

  it('leaves unauthenticated page requests to the legacy app (its redirect to /login?next=…)', async () => {
    const { app } = appWith()
    expect((await get(app, undefined, '/page')).status).toBe(418)
    expect((await get(app, cookieFor(ACTIVE.toHexString()), '/page')).status).toBe(200)
  })

  it('reads the first "session" cookie, like Werkzeug', async () => {
    const { app } = appWith()
    expect((await get(app, `${cookieFor(ACTIVE.toHexString())}; session=junk`)).status).toBe(200)
    expect((await get(app, `session=junk; ${cookieFor(ACTIVE.toHexString())}`)).status).toBe(401)
  })

  it('sessionSecretKeys lists SECRET_KEY then the fallbacks', () => {
    expect(sessionSecretKeys({ SECRET_KEY: 'a', SECRET_KEY_FALLBACKS: ['b', 'c'] })).toEqual(['a', 'b', 'c'])
  })

  describe('re-sends the session cookie exactly when Flask would', () => {
    const ua = 'test-agent/1'
    // Without Node bindings the identifier is computed from the headers alone: X-Forwarded-For absent → None.
    const ident = sessionIdentifier(null, null, ua)
    const request = (app: Hono<GatewayEnv>, data: Record<string, unknown>) =>
      app.request('/api/me', { headers: { cookie: `session=${encodeSession(data, 'previous')}`, 'user-agent': ua } })

    it('not when the session was made for this client (_id matches)', async () => {
      const { app } = appWith()
      const response = await request(app, { _user_id: ACTIVE.toHexString(), _fresh: true, _id: ident })
      expect(response.status).toBe(200)
      expect(response.headers.getSetCookie()).toEqual([])
    })

    it('with _fresh false, signed with the current key, when _id is from another client (session protection "basic")', async () => {
      const { app } = appWith()
      const response = await request(app, { _user_id: ACTIVE.toHexString(), _fresh: true, _id: 'elsewhere' })
      expect(response.status).toBe(200)
      const [cookie] = response.headers.getSetCookie()
      expect(cookie).toMatch(/^session=[^;]+; HttpOnly; Path=\/$/)
      const reopened = openSession(cookie!.split(';')[0]!.slice('session='.length), { secretKeys: ['current'] })
      expect(reopened).toMatchObject({ ok: true, data: { _user_id: ACTIVE.toHexString(), _fresh: false, _id: 'elsewhere' } })
    })

    it('on every request for a permanent session, with Expires', async () => {
      const { app } = appWith()
      const response = await request(app, { _permanent: true, _user_id: ACTIVE.toHexString(), _fresh: true, _id: ident })
      expect(response.headers.getSetCookie()[0]).toMatch(/^session=[^;]+; Expires=[^;]+ GMT; HttpOnly; Path=\/$/)
    })

    it('also on a 401 (the session was looked at before the user was refused)', async () => {
      const { app } = appWith()
      const response = await request(app, { _user_id: INACTIVE.toHexString(), _id: 'elsewhere' })
      expect(response.status).toBe(401)
      expect(response.headers.getSetCookie()).toHaveLength(1)
    })
  })
})
