import type { Db } from 'mongodb'
import { getCookie, hasCookie } from '../../compat/werkzeug/cookies.js'
import { DEFAULT_MAX_AGE_SECONDS, SESSION_COOKIE_NAME, type SessionData } from '../../compat/flask/session.js'
import {
  REMEMBER_COOKIE_DURATION_SECONDS,
  REMEMBER_COOKIE_NAME,
  decodeRememberCookie,
  encodeRememberCookie,
} from '../../compat/flask/login.js'
import { jsonErrorResponse } from '../legacy-json.js'
import { Defer } from '../route.js'
import { savedSessionCookie } from './session-save.js'
import { createSessionOpener } from './session-opener.js'
import { REMEMBER_DELETE_COOKIE, rememberSetCookie } from './set-cookie.js'
import { sessionUserObjectId } from './session-user-id.js'
import type { SessionUser } from './session-user.js'
import { createUserLookup, type UserDoc, type UserLookup } from './user-lookup.js'

export type LoginRequiredDeps = {
  db: Db
  /** SECRET_KEY first, then SECRET_KEY_FALLBACKS (see `sessionSecretKeys`). */
  secretKeys: readonly string[]
  maxAgeSeconds?: number
  /** The user lookup (default: one query per request); see `createUserLookup` for the cached one. */
  userLookup?: UserLookup
  /** Verified session cookies remembered (SESSION_COOKIE_CACHE_MAX; default 0: each one verified per request). */
  sessionCacheMax?: number
}

export type AuthInput = {
  cookieHeader: string | undefined
  path: string
  /** Flask-Login's `_id` for this request as the legacy app computes it (compat/flask/login.ts). */
  legacyIdentity: string
}

/** The user, plus the Set-Cookie values the legacy app's response would carry (in its order). */
export type Authenticated = { user: SessionUser; setCookies: readonly string[] }
export type AuthOutcome = Authenticated | Response | Defer


/** Every key Flask verifies session cookies with. */
export function sessionSecretKeys(config: { SECRET_KEY: string; SECRET_KEY_FALLBACKS: string[] }): string[] {
  return [config.SECRET_KEY, ...config.SECRET_KEY_FALLBACKS]
}

/**
 * Flask-Login's `@login_required` with the app's `load_user`, decided as `LoginManager._load_user` does:
 *
 * 1. "basic" session protection: a non-empty session whose `_id` was made for another address/User-Agent
 *    becomes `_fresh = False`;
 * 2. the user from the session's `_user_id` (active users only);
 * 3. failing that, with a `remember_token` cookie (and no `_remember: "clear"` in the session): the cookie
 *    verified like `decode_cookie` (HMAC-SHA512 with SECRET_KEY only); a valid one writes `_user_id` (the
 *    cookie's payload) and `_fresh = False` into the session — even when no active user has that id — and
 *    the user is loaded from it;
 * 4. no user: `401 {"erro": "Não autenticado"}` on `/api/...`; pages are Deferred (the legacy app's own
 *    redirect to `/login?next=…`).
 *
 * Remember cookies Python would crash on (non-ASCII digest, a key beyond latin-1) are Deferred, so the
 * legacy app answers them as before. Every answer carries what the legacy response would: `Vary: Cookie`,
 * the Set-Cookie of Flask-Login's after_request (`_remember` set/clear) and of Flask's save_session.
 */
export function loginRequired(deps: LoginRequiredDeps): (input: AuthInput) => Promise<AuthOutcome> {
  const findUser = deps.userLookup ?? createUserLookup(deps.db.collection<UserDoc>('usuarios'), { ttlMs: 0, maxEntries: 1 })
  const maxAgeSeconds = deps.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS
  const secretKeys = [...deps.secretKeys]
  const secretKey = secretKeys[0]!
  const openCookie = createSessionOpener({ secretKeys, maxAgeSeconds, maxEntries: deps.sessionCacheMax ?? 0 })
  const loadUser = (userId: unknown) => {
    const id = sessionUserObjectId(userId)
    return id ? findUser(id) : null
  }
  return async ({ cookieHeader, path, legacyIdentity }) => {
    const session = openCookie(getCookie(cookieHeader, SESSION_COOKIE_NAME))
    const data = session.ok ? { ...session.data } : {}
    let modified = protectSession(data, legacyIdentity)
    let doc = await loadUser(data._user_id)
    if (!doc && hasCookie(cookieHeader, REMEMBER_COOKIE_NAME) && data._remember !== 'clear') {
      const userId = decodeRememberCookie(getCookie(cookieHeader, REMEMBER_COOKIE_NAME)!, secretKey)
      if (userId === 'unverifiable') return new Defer('remember-me-unverifiable')
      if (userId !== null) {
        data._user_id = userId
        data._fresh = false
        modified = true
        doc = await loadUser(userId)
      }
    }
    if (!doc && !requestPathIsApi(path)) return new Defer('login-redirect')
    const after = afterRequestCookies(data, modified, secretKey, maxAgeSeconds)
    if (after === null) return new Defer('remember-operation')
    if (!doc) return withSessionHeaders(jsonErrorResponse('Não autenticado', 401), after)
    return { user: { id: doc._id.toHexString(), email: doc.email, nome: doc.nome || doc.email }, setCookies: after }
  }
}

/** Adds what reading the session adds to a Flask response: `Vary: Cookie` and the Set-Cookie values, if any. */
export function withSessionHeaders(response: Response, setCookies: readonly string[]): Response {
  const add = (target: Response) => {
    target.headers.append('vary', 'Cookie')
    for (const cookie of setCookies) target.headers.append('set-cookie', cookie)
    return target
  }
  try {
    return add(response)
  } catch {
    // Immutable headers (a fetched Response): copy it.
    return add(new Response(response.body, response))
  }
}

/** `_session_protection_failed` in "basic" mode (the legacy default): true when it modified the session. */
function protectSession(data: SessionData, legacyIdentity: string): boolean {
  if (Object.keys(data).length > 0 && data._id !== legacyIdentity && data._fresh !== false) {
    data._fresh = false
    return true
  }
  return false
}

/**
 * The Set-Cookie values of the legacy response's end: Flask-Login's `_update_remember_cookie` (pops
 * `_remember`; "set" with a `_user_id` re-issues the remember cookie, "clear" deletes it;
 * REMEMBER_COOKIE_REFRESH_EACH_REQUEST is off), then Flask's save_session (re-sent when modified or
 * permanent). Null for a "set" the gateway does not reproduce (a non-string `_user_id`, an odd
 * `_remember_seconds`): only a holder of the key can write such a session, and the legacy app answers it.
 */
function afterRequestCookies(data: SessionData, modified: boolean, secretKey: string, lifetimeSeconds: number): string[] | null {
  const cookies: string[] = []
  const nowMs = Date.now()
  if ('_remember' in data) {
    const operation = data._remember
    delete data._remember
    modified = true
    if (operation === 'set' && '_user_id' in data) {
      const seconds = data._remember_seconds ?? REMEMBER_COOKIE_DURATION_SECONDS
      if (typeof data._user_id !== 'string' || typeof seconds !== 'number') return null
      const expires = new Date(nowMs + seconds * 1000)
      // Python's datetime raises OverflowError past year 9999; Werkzeug's http_date is exercised after 1970 here.
      if (!(expires.getUTCFullYear() >= 1970 && expires.getUTCFullYear() <= 9999)) return null
      try {
        cookies.push(rememberSetCookie(encodeRememberCookie(data._user_id, secretKey), expires))
      } catch {
        return null
      }
    } else if (operation === 'clear') {
      cookies.push(REMEMBER_DELETE_COOKIE)
    }
  }
  const sessionCookie = savedSessionCookie(data, modified, secretKey, nowMs, lifetimeSeconds)
  if (sessionCookie) cookies.push(sessionCookie)
  return cookies
}

/**
 * `request.path.startswith("/api/")`: Werkzeug's path is percent-decoded, so `/%61pi/x` is under /api/
 * too. Only the ASCII prefix matters here, so escapes are decoded byte-wise.
 */
export function requestPathIsApi(path: string): boolean {
  const decoded = path.slice(0, 15).replace(/%([0-9a-fA-F]{2})/g, (_all, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
  return decoded.startsWith('/api/')
}
