/**
 * `POST /login` and `GET /logout` answered by the gateway (declarations `login` / `logout`, mode
 * `migrated`), writing the same cookies the legacy Flask-Login app writes, so either side can serve any
 * later request. See docs/auth.md.
 *
 * In both modes the edge's checks (gate.ts) run first: rate limits, the per-e-mail lockout, `next` without
 * control characters, a form read exactly as Werkzeug reads it (else 400), form bodies up to
 * LOGIN_BODY_LIMIT_BYTES (else 413). Redirects relayed from the legacy app stay on the gateway's origin.
 *
 * The gateway completes a login itself only when it is sure to answer exactly like the legacy app: an
 * urlencoded form, an active user, a password hash in a supported Werkzeug format that matches, and a
 * `next` Werkzeug writes verbatim. Every other POST /login (wrong password, unknown e-mail, inactive user,
 * multipart) is sent on to the legacy app with the original body, so failures render the legacy form
 * itself (same template, same message, same navigation for an already logged-in user).
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
import { sameOriginLocation } from '../../core/safe-redirect.js'
import { firstValue } from './form.js'
import { LOGIN_BODY_LIMIT_BYTES, countLegacyVerdict, loginGate, succeeded, type LoginAttempt, type LoginLimits } from './gate.js'
import { burnPasswordCheck, checkWerkzeugPassword } from './password.js'
import { FixedWindowLimiter } from './rate-limit.js'
import { HTML, redirectBody } from './responses.js'

export { LOGIN_BODY_LIMIT_BYTES } from './gate.js'
export const RATE_LIMIT_WINDOW_MS = 60_000

type UserDoc = { _id: ObjectId; email: string; ativo?: unknown; senha_hash?: unknown }

/**
 * `next` values whose Location Werkzeug writes unchanged (`iri_to_uri` quotes nothing in them): the
 * characters `quote()` keeps in a path and query. Any other `next` is the legacy app's to answer.
 */
const VERBATIM_NEXT = /^[A-Za-z0-9_.~!$&'()*+,/:;=@?%-]*$/

/** `POST /login` (auth.login), answered by the gateway only when it can complete the login exactly like the legacy app. */
export const login = defineRoute({
  name: 'login',
  methods: ['POST'],
  rule: '/login',
  // Moves to the gateway with ROUTE_MODES=login=migrated,logout=migrated (docs/auth.md).
  mode: 'legacy',
  auth: 'none',
  bodyLimitBytes: LOGIN_BODY_LIMIT_BYTES,
  // `_destino_seguro` lets `/\evil.example` through, and Werkzeug turns `/<TAB>/evil.example` into `//evil.example`.
  safeRedirects: { fallback: '/' },
  openapi: {
    tags: ['auth'],
    summary: 'Log in with the legacy form (email, password, remember); redirects to `next`',
    responses: {
      302: { description: 'Logged in: the Flask session cookie (and remember_token) are set' },
      400: { description: '`next` with control characters, or a form the gateway cannot read exactly' },
      413: { description: 'A form body over 16 KiB' },
      429: { description: 'Too many attempts' },
    },
  },
  // In legacy mode the edge's checks still run; the legacy app answers the rest.
  async legacyGuard(ctx) {
    const limits = loginState(ctx)
    const attempt = await loginGate(ctx, limits)
    if (attempt instanceof Response) return attempt
    // The legacy view verifies a hash only for an active user: the gateway verifies the dummy for the others.
    if (attempt.email && !(await activeUser(ctx, attempt.email, limits.logger))) await burnPasswordCheck(passwordOf(attempt), 1)
    return defer('login-legacy', countLegacyVerdict(attempt, limits))
  },
  async handle(ctx) {
    const limits = loginState(ctx)
    const { secretKeys, config, logger } = limits
    const attempt = await loginGate(ctx, limits)
    if (attempt instanceof Response) return attempt
    const { email } = attempt
    const password = passwordOf(attempt)
    const location = safeDestination(attempt.next)
    // Multipart or unusual forms, and targets Werkzeug would re-encode: the legacy app decides, the lockout counts.
    if (attempt.encoding !== 'urlencoded' || !VERBATIM_NEXT.test(location) || !sameOriginLocation(location, 'http://gateway.invalid')) {
      if (email && !(await activeUser(ctx, email, logger))) await burnPasswordCheck(password, 1)
      return defer('login-not-completed', countLegacyVerdict(attempt, limits))
    }
    const remember = Boolean(firstValue(attempt.form, 'remember'))

    const doc = email ? await ctx.db.collection<UserDoc>('usuarios').findOne({ email }) : null
    // A failure is rendered by the legacy app, which verifies an active user's hash again: two verifications
    // for a known e-mail, so two of the dummy for an unknown or inactive one (docs/auth.md, equal cost).
    const verdict = doc && pythonTruthy(doc.ativo) ? await checkWerkzeugPassword(doc.senha_hash, password) : await burnPasswordCheck(password, email ? 2 : 0)
    if (verdict === 'unsupported') return defer('login-unsupported-hash', countLegacyVerdict(attempt, limits))
    if (verdict !== 'match') return defer('login-not-completed')
    let rememberValue: string | undefined
    if (remember) {
      try {
        rememberValue = encodeRememberCookie(String(doc!._id), config.SECRET_KEY)
      } catch {
        return defer('login-not-completed', countLegacyVerdict(attempt, limits))
      }
    }
    succeeded(attempt, limits)

    // login_user(User(doc), remember=…) on top of whatever valid session the browser already had.
    const headers = ctx.request.headers
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

type LoginState = LoginLimits & {
  config: { SECRET_KEY: string }
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

const passwordOf = (attempt: LoginAttempt): string => firstValue(attempt.form, 'password') ?? ''

/** Whether the legacy view would verify a password for this e-mail: `doc and doc.get("ativo")`. */
async function activeUser(ctx: RouteContext, email: string, logger: Logger): Promise<boolean> {
  try {
    const doc = await ctx.db.collection<UserDoc>('usuarios').findOne({ email }, { projection: { _id: 0, ativo: 1 } })
    return doc !== null && pythonTruthy(doc.ativo)
  } catch (error) {
    // The legacy app answers anyway; only the equal-cost check is skipped.
    logger.warn({ requestId: ctx.requestId, err: error }, 'login user lookup failed')
    return true
  }
}
