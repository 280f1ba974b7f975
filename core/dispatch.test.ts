import { Hono } from 'hono'
import type { Db } from 'mongodb'
import { describe, expect, it } from 'vitest'
import type { GatewayEnv } from './env.js'
import { dispatch, type DecisionEvent, type DispatchOptions, type LegacyForward } from './dispatch.js'
import { encodeSession } from '../compat/flask/session.js'
import { jsonResponse } from './legacy-json.js'
import { createLogger } from './logger.js'
import { DbAdmission } from './db-admission.js'
import { defer, defineRoute, type RouteDeclaration } from './route.js'
import { RouteSettings } from './route-settings.js'
import { RouteRouter, type UrlMatcher } from './router.js'

const ok = defineRoute({
  name: 'ok', methods: ['GET'], rule: '/api/ok', mode: 'migrated', fallback: true, auth: 'none', openapi: { responses: {} },
  handle: async (ctx) => jsonResponse({ shadow: ctx.shadow, b: ctx.args().get('b') ?? null }),
})
const broken = defineRoute({
  name: 'broken', methods: ['GET'], rule: '/api/broken', mode: 'migrated', fallback: true, auth: 'none', openapi: { responses: {} },
  handle: async () => {
    throw new Error('bug')
  },
})
const brokenNoFallback: RouteDeclaration = { ...broken, name: 'broken-nofallback', rule: '/api/broken2', fallback: false }
const deferring = defineRoute({
  name: 'deferring', methods: ['POST'], rule: '/api/defer', mode: 'migrated', auth: 'none', openapi: { responses: {} },
  handle: async (ctx) => {
    await ctx.body()
    return defer('cannot-answer')
  },
})
const guarded = defineRoute({
  name: 'guarded', methods: ['GET'], rule: '/api/guarded', mode: 'migrated', auth: 'login_required', openapi: { responses: {} },
  handle: async (ctx) => jsonResponse({ user: ctx.user!.email }),
})
/** Slots the test admission below has handed out and not got back (the upload route reports it). */
let held = 0
const slotsHeld = () => held
const upload = defineRoute({
  name: 'upload', methods: ['POST'], rule: '/api/upload', mode: 'migrated', auth: 'none', body: 'streamed', openapi: { responses: {} },
  handle: async (ctx) => {
    const bytes = (await new Response(ctx.request.body).arrayBuffer()).byteLength
    const slotsWhileReading = slotsHeld()
    return jsonResponse({ bytes, slotsWhileReading, slotsInDatabaseWork: await ctx.database(async () => slotsHeld()) })
  },
})
const declarations = [ok, broken, brokenNoFallback, deferring, guarded, upload]

/** Exact paths only: enough to test what the dispatcher does with a match. */
const urlMap: UrlMatcher = {
  match(method, rawTarget) {
    const path = rawTarget.split('?')[0]
    const route = declarations.find((candidate) => candidate.rule === path && (candidate.methods as string[]).includes(method === 'HEAD' ? 'GET' : method))
    return route ? { kind: 'match', endpoint: route.name, rule: route.rule, params: {} } : { kind: 'not-found' }
  },
}

function appWith(settings = new RouteSettings(declarations), user?: string, admit?: <T>(work: () => Promise<T>, kind: string | undefined) => Promise<T>, overrideSide?: DispatchOptions['overrideSide']) {
  const events: DecisionEvent[] = []
  const legacyCalls: Array<{ path: string; body?: string }> = []
  const legacy: LegacyForward = async (c, init) => {
    legacyCalls.push({ path: c.req.path, ...(init?.body ? { body: Buffer.from(init.body).toString() } : {}) })
    return new Response('legacy', { status: 200, headers: { 'x-side': 'legacy' } })
  }
  const shadowRuns: unknown[] = []
  const app = new Hono<GatewayEnv>()
  app.use(async (c, next) => {
    c.set('requestId', 'r1')
    await next()
  })
  app.use(
    dispatch({
      router: new RouteRouter(declarations, urlMap),
      settings,
      services: { db: {} as Db, logger: createLogger('silent', 0), settings: { secretKeys: ['k'], bodyLimitBytes: 8, loginRateLimitPerEmail: 1, loginRateLimitPerIp: 1 } },
      legacy,
      logger: createLogger('silent', 0),
      authenticate: async () => (user ? { user: { id: '1', email: user, nome: user }, setCookies: [] } : defer('remember-me')),
      shadow: async ({ c, runGateway }) => {
        const outcome = await runGateway()
        shadowRuns.push(outcome.kind === 'response' ? await outcome.response.json() : outcome)
        return legacy(c)
      },
      observe: (event) => events.push(event),
      ...(admit ? { admit } : {}),
      ...(overrideSide ? { overrideSide } : {}),
    }),
  )
  return { app, events, legacyCalls, shadowRuns }
}

describe('dispatch', () => {
  it('serves a migrated route from its handler and counts the decision', async () => {
    const { app, events, legacyCalls } = appWith()
    const response = await app.request('/api/ok?b=2')
    expect(await response.json()).toEqual({ shadow: false, b: '2' })
    expect(legacyCalls).toEqual([])
    expect(events).toEqual([{ route: 'ok', side: 'gateway', why: 'mode', method: 'GET', status: 200 }])
  })

  it('sends requests the router does not name to the legacy app', async () => {
    const { app, legacyCalls } = appWith()
    expect(await (await app.request('/api/other')).text()).toBe('legacy')
    expect(await (await app.request('/api/ok', { method: 'DELETE' })).text()).toBe('legacy')
    expect(legacyCalls.map((call) => call.path)).toEqual(['/api/other', '/api/ok'])
  })

  it('falls back to the legacy app when an idempotent request fails, and says so', async () => {
    const { app, events } = appWith()
    expect(await (await app.request('/api/broken')).text()).toBe('legacy')
    expect(events).toEqual([{ route: 'broken', side: 'legacy', why: 'fallback', detail: 'status-500', method: 'GET' }])
  })

  it('runs every gateway answer through the database admission; a refused run is a fast 503, not a fallback', async () => {
    const admission = new DbAdmission({ maxConcurrent: 1, maxQueued: 0, queueTimeoutMs: 1000 })
    let release!: () => void
    const busy = admission.run(() => new Promise<void>((resolve) => (release = resolve)), 'test')
    const { app, events, legacyCalls } = appWith(undefined, undefined, (work) => admission.run(work, 'test'))
    const refused = await app.request('/api/ok')
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('5')
    expect(await refused.json()).toEqual({ erro: 'Banco de dados indisponível' })
    expect(legacyCalls).toEqual([])
    expect(events).toEqual([{ route: 'ok', side: 'gateway', why: 'mode', method: 'GET', status: 503, failure: 'database-unavailable' }])
    release()
    await busy
    expect((await app.request('/api/ok')).status).toBe(200)
  })

  it('names the route to the admission; a streamed upload is read outside it, only its database work inside', async () => {
    const kinds: Array<string | undefined> = []
    const { app } = appWith(undefined, undefined, async (work, kind) => {
      kinds.push(kind)
      held++
      try {
        return await work()
      } finally {
        held--
      }
    })
    await app.request('/api/ok')
    await app.request('/api/ok', { method: 'HEAD' })
    await app.request('/api/defer', { method: 'POST', body: 'abc' })
    expect(kinds).toEqual(['ok', 'ok', 'deferring'])
    const streamed = await app.request('/api/upload', { method: 'POST', body: 'abcd' })
    // The upload was read with no slot held; its one piece of database work held one, named after the route.
    expect(await streamed.json()).toEqual({ bytes: 4, slotsWhileReading: 0, slotsInDatabaseWork: 1 })
    expect(kinds).toEqual(['ok', 'ok', 'deferring', 'upload'])
  })

  it("reads a write's body before its run waits for a slot, and leaves its errors to the handler", async () => {
    let ended = false
    const seen: boolean[] = []
    const { app, legacyCalls } = appWith(undefined, undefined, (work) => {
      seen.push(ended)
      return work()
    })
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        await new Promise((resolve) => setTimeout(resolve, 20))
        controller.enqueue(new TextEncoder().encode('abc'))
        controller.close()
        ended = true
      },
    })
    await app.request('/api/defer', { method: 'POST', body, duplex: 'half' } as RequestInit)
    expect(seen).toEqual([true])
    expect(legacyCalls).toEqual([{ path: '/api/defer', body: 'abc' }])
    // Over the limit: still the handler's 413, at the point it reads.
    expect((await app.request('/api/defer', { method: 'POST', body: '0123456789' })).status).toBe(413)
  })

  it('answers the legacy 500 body itself without fallback', async () => {
    const { app } = appWith()
    const response = await app.request('/api/broken2')
    expect(response.status).toBe(500)
    expect(await response.text()).toBe('{"erro": "Erro interno"}\n')
  })

  it('hands a deferred request to the legacy app with the body the handler already read', async () => {
    const { app, events, legacyCalls } = appWith()
    await app.request('/api/defer', { method: 'POST', body: 'abc' })
    expect(legacyCalls).toEqual([{ path: '/api/defer', body: 'abc' }])
    expect(events).toEqual([{ route: 'deferring', side: 'legacy', why: 'defer', detail: 'cannot-answer', method: 'POST' }])
  })

  it('refuses a body over the route limit with the legacy 413', async () => {
    const { app } = appWith()
    const response = await app.request('/api/defer', { method: 'POST', body: '0123456789' })
    expect(response.status).toBe(413)
    expect(await response.text()).toBe('{"erro": "Requisi\\u00e7\\u00e3o muito grande"}\n')
  })

  it('applies login_required before the handler: deferral (remember-me) or the user', async () => {
    expect(await (await appWith().app.request('/api/guarded')).text()).toBe('legacy')
    const response = await appWith(undefined, 'a@x').app.request('/api/guarded')
    expect(await response.json()).toEqual({ user: 'a@x' })
    expect(response.headers.get('vary')).toBe('Cookie')
  })

  it('follows the settings layers: legacy, canary at 0 and 100 %, shadow runs the handler marked shadow', async () => {
    const legacyMode = appWith(new RouteSettings(declarations, [{ source: 'env', overrides: { ok: { mode: 'legacy' } } }]))
    expect(await (await legacyMode.app.request('/api/ok')).text()).toBe('legacy')
    const none = appWith(new RouteSettings(declarations, [{ source: 'env', overrides: { ok: { mode: 'canary', canaryPercent: 0 } } }]))
    expect(await (await none.app.request('/api/ok')).text()).toBe('legacy')
    const all = appWith(new RouteSettings(declarations, [{ source: 'env', overrides: { ok: { mode: 'canary', canaryPercent: 100 } } }]))
    expect(await (await all.app.request('/api/ok')).json()).toMatchObject({ shadow: false })
    const shadow = appWith(new RouteSettings(declarations, [{ source: 'live', overrides: { ok: { mode: 'shadow' } } }]))
    expect(await (await shadow.app.request('/api/ok?b=1')).text()).toBe('legacy')
    expect(shadow.shadowRuns).toEqual([{ shadow: true, b: '1' }])
  })

  const halfCanary = () => new RouteSettings(declarations, [{ source: 'live', overrides: { ok: { mode: 'canary', canaryPercent: 50 } } }])
  const sideOf = (response: Response) => response.headers.get('x-side') ?? 'gateway'

  it('keeps a logged-in user on one side at 50 %, whatever else the session, the address or the browser', async () => {
    const { app } = appWith(halfCanary())
    const seen = new Set<string>()
    for (let user = 0; user < 24; user++) {
      const userId = `0123456789abcdef0123${String(user).padStart(4, '0')}`
      const variants = [
        { session: { _user_id: userId, _fresh: true, _id: 'a'.repeat(128) }, ip: '10.0.0.1', ua: 'Firefox' },
        { session: { _user_id: userId, _fresh: false, csrf_token: `t${user}` }, ip: '192.168.7.9', ua: 'Chrome' },
        { session: { _user_id: userId.toUpperCase(), _remember: 'set', lang: 'pt' }, ip: '2001:db8::1', ua: 'curl/8' },
      ]
      const sides = new Set<string>()
      for (const [index, variant] of variants.entries()) {
        const cookie = `session=${encodeSession(variant.session, 'k', Math.floor(Date.now() / 1000) - index * 60)}`
        const response = await app.request('/api/ok', { headers: { cookie, 'x-forwarded-for': variant.ip, 'user-agent': variant.ua } })
        expect(response.headers.get('set-cookie')).toBeNull()
        sides.add(sideOf(response))
      }
      expect(sides.size, `user ${userId}`).toBe(1)
      seen.add([...sides][0]!)
    }
    // Both sides are drawn across users: the key is not a constant.
    expect(seen).toEqual(new Set(['gateway', 'legacy']))
  })

  it('gives an anonymous client a gw_canary cookie and keeps it on its side', async () => {
    const { app } = appWith(halfCanary())
    const seen = new Set<string>()
    for (let client = 0; client < 16; client++) {
      const first = await app.request('/api/ok', { headers: { 'user-agent': `ua${client}` } })
      const setCookie = first.headers.get('set-cookie') ?? ''
      expect(setCookie).toMatch(/^gw_canary=[A-Za-z0-9_-]{22}; Max-Age=31536000; Path=\/; HttpOnly; SameSite=Lax$/)
      const cookie = setCookie.split(';')[0]!
      for (let again = 0; again < 3; again++) {
        const next = await app.request('/api/ok', { headers: { cookie: `${cookie}; other=${again}`, 'user-agent': `other${again}` } })
        expect(next.headers.get('set-cookie')).toBeNull()
        expect(sideOf(next)).toBe(sideOf(first))
      }
      seen.add(sideOf(first))
    }
    expect(seen).toEqual(new Set(['gateway', 'legacy']))
  })

  it('issues no cookie and reads no session outside canary mode', async () => {
    const { app } = appWith()
    expect((await app.request('/api/ok')).headers.get('set-cookie')).toBeNull()
  })

  it("answers from the side a tester's override names, counted as override", async () => {
    const legacyForced = appWith(undefined, undefined, undefined, () => 'legacy')
    expect(await (await legacyForced.app.request('/api/ok')).text()).toBe('legacy')
    expect(legacyForced.events).toEqual([{ route: 'ok', side: 'legacy', why: 'override', method: 'GET' }])
    const gatewayForced = appWith(new RouteSettings(declarations, [{ source: 'env', overrides: { ok: { mode: 'legacy' } } }]), undefined, undefined, () => 'gateway')
    expect(await (await gatewayForced.app.request('/api/ok')).json()).toEqual({ shadow: false, b: null })
    expect(gatewayForced.events).toEqual([{ route: 'ok', side: 'gateway', why: 'override', method: 'GET', status: 200 }])
  })
})
