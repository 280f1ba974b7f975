/**
 * `POST /login` and `GET /logout` answered by the gateway (declarations `login` / `logout`, mode
 * `migrated`), writing the same cookies the legacy Flask-Login app writes, so either side can serve any
 * later request. See docs/auth.md.
 *
 * The gateway completes a login itself only when it is sure to answer exactly like the legacy app: a
 * form-encoded body with a Content-Length (up to LOGIN_BODY_LIMIT_BYTES), cleanly decodable, an ASCII
 * e-mail, an active user, a password hash in a supported Werkzeug format that matches, and a plain ASCII
 * `next`. Every other POST /login (wrong password, unknown e-mail, inactive user, odd encodings) is sent
 * on to the legacy app with the original body, so failures render the legacy form itself (same template,
 * same message, same navigation for an already logged-in user) with no copy of it here.
 */
import type { ObjectId } from 'mongodb'
import { getCookie, hasCookie } from '../../compat/werkzeug/cookies.js'
import {
  REMEMBER_COOKIE_DURATION_SECONDS,
  REMEMBER_COOKIE_NAME,
  encodeRememberCookie,
} from '../../compat/flask/login.js'
import { SESSION_COOKIE_NAME, openSession, type SessionData } from '../../compat/flask/session.js'
import { pythonTruthy, savedSessionCookie } from '../../core/auth/session-save.js'
import { REMEMBER_DELETE_COOKIE, rememberSetCookie } from '../../core/auth/set-cookie.js'
import { defer, defineGroup, defineRoute, type RouteContext } from '../../core/route.js'
import type { Logger } from '../../core/logger.js'
import { firstValue, parseUrlencodedStrict } from './form.js'
import { checkWerkzeugPassword } from './password.js'
import { FixedWindowLimiter } from './rate-limit.js'
import { HTML, TOO_MANY_REQUESTS_BODY, redirectBody } from './responses.js'

/** Larger login bodies (a real form posts well under 1 KiB) go to the legacy app untouched. */
export const LOGIN_BODY_LIMIT_BYTES = 16 * 1024
export const RATE_LIMIT_WINDOW_MS = 60_000

type UserDoc = { _id: ObjectId; email: string; ativo?: unknown; senha_hash?: unknown }

/** `POST /login` (auth.login), answered by the gateway only when it can complete the login exactly like the legacy app. */
export const login = defineRoute({
  name: 'login',
  methods: ['POST'],
  rule: '/login',
  // Moves to the gateway with ROUTE_MODES=login=migrated,logout=migrated (docs/auth.md).
  mode: 'legacy',
  auth: 'none',
  bodyLimitBytes: LOGIN_BODY_LIMIT_BYTES,
  openapi: {
    tags: ['auth'],
    summary: 'Log in with the legacy form (email, password, remember); redirects to `next`',
    responses: { 302: { description: 'Logged in: the Flask session cookie (and remember_token) are set' }, 429: { description: 'Too many attempts' } },
  },
  async handle(ctx) {
    const { logger, perAddress, perEmail, secretKeys, config } = loginState(ctx)
    const address = ctx.peerAddress
    const byAddress = perAddress.hit(address)
    if (!byAddress.allowed) return tooManyRequests(ctx, byAddress.retryAfterSeconds, logger, 'address')

    const headers = ctx.request.headers
    const length = headers.get('content-length')
    if (!isFormEncoded(headers.get('content-type') ?? undefined) || headers.get('transfer-encoding') !== null ||
        length === null || !/^\d{1,9}$/.test(length) || Number(length) > LOGIN_BODY_LIMIT_BYTES) {
      return defer('login-unsupported-body') // body still unread: proxied as is
    }
    const body = Buffer.from(await ctx.body())
    // The legacy app renders every failure itself, from the same body (the dispatcher replays it).
    const toLegacy = () => defer('login-not-completed')

    const form = parseUrlencodedStrict(body)
    const target = ctx.rawTarget
    const queryStart = target.indexOf('?')
    const query = parseUrlencodedStrict(Buffer.from(queryStart === -1 ? '' : target.slice(queryStart + 1), 'latin1'))
    if (form === null || query === null) return toLegacy()

    const rawEmail = firstValue(form, 'email') ?? ''
    if (/[^\x00-\x7f]/.test(rawEmail)) return toLegacy() // Python's Unicode strip()/lower(): left to it
    const email = stripAscii(rawEmail).toLowerCase()
    if (email) {
      const byEmail = perEmail.check(email)
      if (!byEmail.allowed) return tooManyRequests(ctx, byEmail.retryAfterSeconds, logger, 'email')
    }
    const password = firstValue(form, 'password') ?? ''
    const remember = Boolean(firstValue(form, 'remember'))
    const location = safeDestination(firstValue(query, 'next'))
    if (!/^[\x20-\x7e]*$/.test(location)) return toLegacy()

    const doc = email ? await ctx.db.collection<UserDoc>('usuarios').findOne({ email }) : null
    const verdict = doc && pythonTruthy(doc.ativo) ? await checkWerkzeugPassword(doc.senha_hash, password) : 'mismatch'
    if (verdict !== 'match') {
      if (verdict === 'mismatch' && email) perEmail.hit(email)
      return toLegacy()
    }
    let rememberValue: string | undefined
    if (remember) {
      try {
        rememberValue = encodeRememberCookie(String(doc!._id), config.SECRET_KEY)
      } catch {
        return toLegacy()
      }
    }

    // login_user(User(doc), remember=…) on top of whatever valid session the browser already had.
    const opened = openSession(getCookie(headers.get('cookie') ?? undefined, SESSION_COOKIE_NAME), { secretKeys })
    const session: SessionData = opened.ok ? { ...opened.data } : {}
    session._user_id = String(doc!._id)
    session._fresh = true
    session._id = ctx.legacyIdentity
    const nowMs = Date.now()
    const cookies: string[] = []
    // Flask-Login's after_request pops "_remember" and acts on it ("set" when remember=True).
    const operation = remember ? 'set' : session._remember
    const rememberSeconds = typeof session._remember_seconds === 'number' ? session._remember_seconds : REMEMBER_COOKIE_DURATION_SECONDS
    delete session._remember
    if (operation === 'set') {
      rememberValue ??= encodeRememberCookie(String(doc!._id), config.SECRET_KEY)
      cookies.push(rememberSetCookie(rememberValue, new Date(nowMs + rememberSeconds * 1000)))
    } else if (operation === 'clear') {
      cookies.push(REMEMBER_DELETE_COOKIE)
    }
    cookies.push(savedSessionCookie(session, true, config.SECRET_KEY, nowMs)!)
    logger.info({ requestId: ctx.requestId, userId: session._user_id, remember }, 'login')
    return redirect(location, cookies)
  },
})

/** `GET /logout` (auth.logout). */
export const logout = defineRoute({
  name: 'logout',
  methods: ['GET'],
  rule: '/logout',
  mode: 'legacy',
  auth: 'none',
  openapi: {
    tags: ['auth'],
    summary: 'Log out: clears the session (and the remember_token cookie)',
    responses: { 302: { description: 'Redirect to /login' } },
  },
  async handle(ctx) {
    const { secretKeys, config } = loginState(ctx)
    const cookieHeader = ctx.request.headers.get('cookie') ?? undefined
    const opened = openSession(getCookie(cookieHeader, SESSION_COOKIE_NAME), { secretKeys })
    const session: SessionData = opened.ok ? { ...opened.data } : {}
    let modified = false
    // current_user is loaded first: basic session protection marks a session from elsewhere as not fresh.
    if (Object.keys(session).length > 0 && session._id !== ctx.legacyIdentity && session._fresh !== false) {
      session._fresh = false
      modified = true
    }
    const hasRemember = hasCookie(cookieHeader, REMEMBER_COOKIE_NAME)
    // (Restoring the user from the remember cookie would add _user_id/_fresh, which logout_user removes.)
    for (const key of ['_user_id', '_fresh', '_id']) {
      if (key in session) {
        delete session[key]
        modified = true
      }
    }
    if (hasRemember) {
      session._remember = 'clear'
      delete session._remember_seconds
      modified = true
    }
    const cookies: string[] = []
    if ('_remember' in session) {
      const operation = session._remember
      delete session._remember
      modified = true
      if (operation === 'clear') cookies.push(REMEMBER_DELETE_COOKIE)
    }
    const sessionCookie = savedSessionCookie(session, modified, config.SECRET_KEY)
    if (sessionCookie) cookies.push(sessionCookie)
    return redirect('/login', cookies)
  },
})

export const loginGroup = defineGroup({ name: 'login', routes: [login, logout] })

type LoginState = {
  config: { SECRET_KEY: string }
  logger: Logger
  perAddress: FixedWindowLimiter
  perEmail: FixedWindowLimiter
  secretKeys: string[]
}
const stateByDb = new WeakMap<object, LoginState>()

/** Per-process login state (the rate limiters), made once per database handle. */
function loginState(ctx: RouteContext): LoginState {
  let state = stateByDb.get(ctx.db)
  if (!state) {
    const { settings } = ctx
    state = {
      config: { SECRET_KEY: settings.secretKeys[0]! },
      logger: ctx.logger,
      perAddress: new FixedWindowLimiter(settings.loginRateLimitPerIp, RATE_LIMIT_WINDOW_MS),
      perEmail: new FixedWindowLimiter(settings.loginRateLimitPerEmail, RATE_LIMIT_WINDOW_MS),
      secretKeys: [...settings.secretKeys],
    }
    stateByDb.set(ctx.db, state)
  }
  return state
}

/** `_destino_seguro(request.args.get("next"))`: a path starting with one "/", else the home page. */
export function safeDestination(next: string | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/'
}

/** Flask's `redirect(location)` response, with the cookies in the order Flask sends them. */
function redirect(location: string, cookies: string[]): Response {
  const response = new Response(redirectBody(location), { status: 302, headers: { 'content-type': HTML, location, vary: 'Cookie' } })
  for (const cookie of cookies) response.headers.append('set-cookie', cookie)
  return response
}

function tooManyRequests(ctx: RouteContext, retryAfterSeconds: number, logger: Logger, limit: 'address' | 'email'): Response {
  logger.warn({ requestId: ctx.requestId, limit, retryAfterSeconds }, 'login rate limited')
  return new Response(TOO_MANY_REQUESTS_BODY, { status: 429, headers: { 'content-type': HTML, 'retry-after': String(retryAfterSeconds) } })
}

function isFormEncoded(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase() === 'application/x-www-form-urlencoded'
}


// str.strip() for ASCII text: whitespace is \t\n\v\f\r, \x1c-\x1f and space.
function stripAscii(text: string): string {
  return text.replace(/^[\t\n\v\f\r\x1c-\x1f ]+|[\t\n\v\f\r\x1c-\x1f ]+$/g, '')
}
