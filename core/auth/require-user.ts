import type { Db, ObjectId } from 'mongodb'
import { getCookie, hasCookie } from '../../compat/werkzeug/cookies.js'
import { DEFAULT_MAX_AGE_SECONDS, SESSION_COOKIE_NAME, openSession, type SessionData } from '../../compat/flask/session.js'
import { REMEMBER_COOKIE_NAME } from '../../compat/flask/login.js'
import { jsonErrorResponse } from '../legacy-json.js'
import { Defer } from '../route.js'
import { savedSessionCookie } from './session-save.js'
import { sessionUserObjectId } from './session-user-id.js'
import type { SessionUser } from './session-user.js'

export type LoginRequiredDeps = {
  db: Db
  /** SECRET_KEY first, then SECRET_KEY_FALLBACKS (see `sessionSecretKeys`). */
  secretKeys: readonly string[]
  maxAgeSeconds?: number
}

export type AuthInput = {
  cookieHeader: string | undefined
  path: string
  /** Flask-Login's `_id` for this request as the legacy app computes it (compat/flask/login.ts). */
  legacyIdentity: string
}

/** The user, plus the Set-Cookie the legacy app's response would carry for this session (or null). */
export type Authenticated = { user: SessionUser; setCookie: string | null }
export type AuthOutcome = Authenticated | Response | Defer

type UserDoc = { _id: ObjectId; email: string; nome?: string | null }

/** Every key Flask verifies session cookies with. */
export function sessionSecretKeys(config: { SECRET_KEY: string; SECRET_KEY_FALLBACKS: string[] }): string[] {
  return [config.SECRET_KEY, ...config.SECRET_KEY_FALLBACKS]
}

/**
 * Flask-Login's `@login_required`, decided from the legacy Flask session cookie:
 *
 * - a valid `session` cookie whose `_user_id` names an active user → that user;
 * - otherwise, with a `remember_token` cookie → Defer (the legacy app restores the session from it);
 * - otherwise `401 {"erro": "Não autenticado"}` on `/api/...`, and Defer for pages (the legacy app's own
 *   redirect to `/login?next=…`).
 *
 * Like Flask (the session is read, so `Vary: Cookie`), every answer carries `Vary: Cookie`, and the session
 * cookie is re-sent exactly when Flask would re-send it (see `sessionAfterLoad`).
 */
export function loginRequired(deps: LoginRequiredDeps): (input: AuthInput) => Promise<AuthOutcome> {
  const users = deps.db.collection<UserDoc>('usuarios')
  const maxAgeSeconds = deps.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS
  const secretKeys = [...deps.secretKeys]
  return async ({ cookieHeader, path, legacyIdentity }) => {
    const session = openSession(getCookie(cookieHeader, SESSION_COOKIE_NAME), { secretKeys, maxAgeSeconds })
    const data = session.ok ? { ...session.data } : {}
    const userId = sessionUserObjectId(data._user_id)
    const doc = userId ? await users.findOne({ _id: userId, ativo: true }, { projection: { _id: 1, email: 1, nome: 1 } }) : null
    if (!doc && hasCookie(cookieHeader, REMEMBER_COOKIE_NAME)) return new Defer('remember-me')
    if (!doc && !path.startsWith('/api/')) return new Defer('login-redirect')
    const setCookie = sessionAfterLoad(data, legacyIdentity, secretKeys[0]!, maxAgeSeconds)
    if (!doc) return withSessionHeaders(jsonErrorResponse('Não autenticado', 401), setCookie)
    return { user: { id: doc._id.toHexString(), email: doc.email, nome: doc.nome || doc.email }, setCookie }
  }
}

/** Adds what reading the session adds to a Flask response: `Vary: Cookie` and the re-sent cookie, if any. */
export function withSessionHeaders(response: Response, setCookie: string | null): Response {
  try {
    response.headers.append('vary', 'Cookie')
    if (setCookie) response.headers.append('set-cookie', setCookie)
    return response
  } catch {
    // Immutable headers (a fetched Response): copy it.
    const copy = new Response(response.body, response)
    copy.headers.append('vary', 'Cookie')
    if (setCookie) copy.headers.append('set-cookie', setCookie)
    return copy
  }
}

/**
 * What the legacy app's response would add for this session once Flask-Login has looked at it: "basic"
 * session protection marks a session whose `_id` was made for another address/User-Agent as not fresh
 * (`_fresh = False`, so the cookie is re-sent), and a permanent session is re-sent on every request
 * (SESSION_REFRESH_EACH_REQUEST). Returns that Set-Cookie value, or null.
 */
function sessionAfterLoad(data: SessionData, legacyIdentity: string, secretKey: string, lifetimeSeconds: number): string | null {
  let modified = false
  if (Object.keys(data).length > 0 && data._id !== legacyIdentity && data._fresh !== false) {
    data._fresh = false
    modified = true
  }
  return savedSessionCookie(data, modified, secretKey, Date.now(), lifetimeSeconds)
}
