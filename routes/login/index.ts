/**
 * `POST /login` and `GET /logout` answered by the gateway (route table entries `login` / `logout`, mode
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
import { OpenAPIHono } from '@hono/zod-openapi'
import type { Context, Handler, Next } from 'hono'
import type { Db, ObjectId } from 'mongodb'
import { replayBodyToLegacy } from '../../legacy-proxy/proxy.js'
import { getCookie, hasCookie } from '../../compat/werkzeug/cookies.js'
import {
  REMEMBER_COOKIE_DURATION_SECONDS,
  REMEMBER_COOKIE_NAME,
  encodeRememberCookie,
} from '../../compat/flask/login.js'
import { SESSION_COOKIE_NAME, openSession, type SessionData } from '../../compat/flask/session.js'
import { requestIdentifier, sessionSecretKeys } from '../../core/auth/require-user.js'
import { pythonTruthy, savedSessionCookie } from '../../core/auth/session-save.js'
import { REMEMBER_DELETE_COOKIE, rememberSetCookie } from '../../core/auth/set-cookie.js'
import type { Config } from '../../gateway/config/config.js'
import type { GatewayEnv } from '../../core/env.js'
import type { Logger } from '../../core/logger.js'
import { firstValue, parseUrlencodedStrict } from './form.js'
import { checkWerkzeugPassword } from './password.js'
import { FixedWindowLimiter } from './rate-limit.js'
import { HTML, TOO_MANY_REQUESTS_BODY, redirectBody } from './responses.js'

/** Larger login bodies (a real form posts well under 1 KiB) go to the legacy app untouched. */
export const LOGIN_BODY_LIMIT_BYTES = 16 * 1024
export const RATE_LIMIT_WINDOW_MS = 60_000

export type LoginDeps = {
  db: Db
  config: Pick<Config, 'SECRET_KEY' | 'SECRET_KEY_FALLBACKS' | 'LOGIN_RATE_LIMIT_PER_IP' | 'LOGIN_RATE_LIMIT_PER_EMAIL'>
  logger: Logger
  legacy: Handler<GatewayEnv>
}

type UserDoc = { _id: ObjectId; email: string; ativo?: unknown; senha_hash?: unknown }

export function loginRoutes(deps: LoginDeps): OpenAPIHono<GatewayEnv> {
  const { config, logger, legacy } = deps
  const users = deps.db.collection<UserDoc>('usuarios')
  const secretKeys = sessionSecretKeys(config)
  const perAddress = new FixedWindowLimiter(config.LOGIN_RATE_LIMIT_PER_IP, RATE_LIMIT_WINDOW_MS)
  const perEmail = new FixedWindowLimiter(config.LOGIN_RATE_LIMIT_PER_EMAIL, RATE_LIMIT_WINDOW_MS)
  const app = new OpenAPIHono<GatewayEnv>()

  app.post('/login', async (c, next) => {
    const address = peerAddress(c)
    const byAddress = perAddress.hit(address)
    if (!byAddress.allowed) return tooManyRequests(c, byAddress.retryAfterSeconds, logger, 'address')

    const length = c.req.header('content-length')
    if (!isFormEncoded(c.req.header('content-type')) || c.req.header('transfer-encoding') !== undefined ||
        length === undefined || !/^\d{1,9}$/.test(length) || Number(length) > LOGIN_BODY_LIMIT_BYTES) {
      return legacy(c, next) // body still unread: proxied as is
    }
    const body = Buffer.from(await c.req.arrayBuffer())
    const toLegacy = () => {
      replayBodyToLegacy(c.env.incoming, body)
      return legacy(c, next)
    }

    const form = parseUrlencodedStrict(body)
    const target = c.env.incoming.url ?? '/login'
    const queryStart = target.indexOf('?')
    const query = parseUrlencodedStrict(Buffer.from(queryStart === -1 ? '' : target.slice(queryStart + 1), 'latin1'))
    if (form === null || query === null) return toLegacy()

    const rawEmail = firstValue(form, 'email') ?? ''
    if (/[^\x00-\x7f]/.test(rawEmail)) return toLegacy() // Python's Unicode strip()/lower(): left to it
    const email = stripAscii(rawEmail).toLowerCase()
    if (email) {
      const byEmail = perEmail.check(email)
      if (!byEmail.allowed) return tooManyRequests(c, byEmail.retryAfterSeconds, logger, 'email')
    }
    const password = firstValue(form, 'password') ?? ''
    const remember = Boolean(firstValue(form, 'remember'))
    const location = safeDestination(firstValue(query, 'next'))
    if (!/^[\x20-\x7e]*$/.test(location)) return toLegacy()

    const doc = email ? await users.findOne({ email }) : null
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
    const opened = openSession(getCookie(c.req.header('cookie'), SESSION_COOKIE_NAME), { secretKeys })
    const session: SessionData = opened.ok ? { ...opened.data } : {}
    session._user_id = String(doc!._id)
    session._fresh = true
    session._id = requestIdentifier(c)
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
    logger.info({ requestId: c.get('requestId'), userId: session._user_id, remember }, 'login')
    return redirect(location, cookies)
  })

  app.get('/logout', async (c) => {
    const cookieHeader = c.req.header('cookie')
    const opened = openSession(getCookie(cookieHeader, SESSION_COOKIE_NAME), { secretKeys })
    const session: SessionData = opened.ok ? { ...opened.data } : {}
    let modified = false
    // current_user is loaded first: basic session protection marks a session from elsewhere as not fresh.
    if (Object.keys(session).length > 0 && session._id !== requestIdentifier(c) && session._fresh !== false) {
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
  })

  return app
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

function tooManyRequests(c: Context<GatewayEnv>, retryAfterSeconds: number, logger: Logger, limit: 'address' | 'email'): Response {
  logger.warn({ requestId: c.get('requestId'), limit, retryAfterSeconds }, 'login rate limited')
  return c.body(TOO_MANY_REQUESTS_BODY, 429, { 'content-type': HTML, 'retry-after': String(retryAfterSeconds) })
}

function isFormEncoded(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase() === 'application/x-www-form-urlencoded'
}

function peerAddress(c: Context<GatewayEnv>): string {
  return c.env.incoming?.socket?.remoteAddress ?? 'unknown'
}

// str.strip() for ASCII text: whitespace is \t\n\v\f\r, \x1c-\x1f and space.
function stripAscii(text: string): string {
  return text.replace(/^[\t\n\v\f\r\x1c-\x1f ]+|[\t\n\v\f\r\x1c-\x1f ]+$/g, '')
}
