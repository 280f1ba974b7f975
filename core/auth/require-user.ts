import type { Context, Handler, MiddlewareHandler } from 'hono'
import type { Db, ObjectId } from 'mongodb'
import type { GatewayEnv } from '../env.js'
import { errorResponse } from '../legacy-json.js'
import { getCookie, hasCookie } from '../../compat/werkzeug/cookies.js'
import { DEFAULT_MAX_AGE_SECONDS, SESSION_COOKIE_NAME, openSession, type SessionData } from '../../compat/flask/session.js'
import { REMEMBER_COOKIE_NAME, identifierAtLegacy, sessionIdentifier } from '../../compat/flask/login.js'
import { savedSessionCookie } from './session-save.js'
import { sessionUserObjectId } from './session-user-id.js'
import type { SessionUser } from './session-user.js'

export type RequireUserDeps = {
  db: Db
  /** SECRET_KEY first, then SECRET_KEY_FALLBACKS (see `sessionSecretKeys`). */
  secretKeys: string[]
  /** The legacy proxy: answers the requests the gateway cannot decide (remember-me cookie, pages). */
  legacy: Handler<GatewayEnv>
  maxAgeSeconds?: number
}

type UserDoc = { _id: ObjectId; email: string; nome?: string | null }

/** Every key Flask verifies session cookies with. */
export function sessionSecretKeys(config: { SECRET_KEY: string; SECRET_KEY_FALLBACKS: string[] }): string[] {
  return [config.SECRET_KEY, ...config.SECRET_KEY_FALLBACKS]
}

/**
 * Flask-Login's `@login_required` for migrated routes, decided from the legacy Flask session cookie:
 *
 * - a valid `session` cookie whose `_user_id` names an active user → `c.set('user', …)` and continue;
 * - otherwise, if the request has a `remember_token` cookie, the legacy app answers (only it restores a
 *   session from that cookie, and its answer may carry a new session cookie);
 * - otherwise `401 {"erro": "Não autenticado"}` on `/api/...`, and the legacy app's own redirect to
 *   `/login?next=…` for pages (the request is handed to it).
 *
 * Like Flask (the session is read, so `Vary: Cookie`), every answer from here carries `Vary: Cookie`, and
 * the session cookie is re-sent exactly when Flask would re-send it (see `sessionAfterLoad`).
 */
export function requireUser(deps: RequireUserDeps): MiddlewareHandler<GatewayEnv> {
  const users = deps.db.collection<UserDoc>('usuarios')
  const maxAgeSeconds = deps.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS
  return async (c, next) => {
    const cookieHeader = c.req.header('cookie')
    const session = openSession(getCookie(cookieHeader, SESSION_COOKIE_NAME), { secretKeys: deps.secretKeys, maxAgeSeconds })
    const data = session.ok ? { ...session.data } : {}
    const userId = sessionUserObjectId(data._user_id)
    const doc = userId
      ? await users.findOne({ _id: userId, ativo: true }, { projection: { _id: 1, email: 1, nome: 1 } })
      : null
    if (!doc && hasCookie(cookieHeader, REMEMBER_COOKIE_NAME)) return deps.legacy(c, next)
    if (!doc && !c.req.path.startsWith('/api/')) return deps.legacy(c, next)
    const setCookie = sessionAfterLoad(c, data, deps.secretKeys[0]!, maxAgeSeconds)
    if (!doc) {
      const response = errorResponse('Não autenticado', 401, {}, { vary: 'Cookie' })
      if (setCookie) response.headers.append('set-cookie', setCookie)
      return response
    }
    const user: SessionUser = { id: doc._id.toHexString(), email: doc.email, nome: doc.nome || doc.email }
    c.set('user', user)
    await next()
    try {
      c.res.headers.append('vary', 'Cookie')
      if (setCookie) c.res.headers.append('set-cookie', setCookie)
    } catch {
      // immutable headers (a response passed through as is): leave them
    }
  }
}

/**
 * What the legacy app's response would add for this session once Flask-Login has looked at it: "basic"
 * session protection marks a session whose `_id` was made for another address/User-Agent as not fresh
 * (`_fresh = False`, so the cookie is re-sent), and a permanent session is re-sent on every request
 * (SESSION_REFRESH_EACH_REQUEST). Returns that Set-Cookie value, or null.
 */
function sessionAfterLoad(c: Context<GatewayEnv>, data: SessionData, secretKey: string, lifetimeSeconds: number): string | null {
  let modified = false
  if (Object.keys(data).length > 0 && data._id !== requestIdentifier(c) && data._fresh !== false) {
    data._fresh = false
    modified = true
  }
  return savedSessionCookie(data, modified, secretKey, Date.now(), lifetimeSeconds)
}

/** Flask-Login's `_id` for this request as the legacy app would compute it (see `identifierAtLegacy`). */
export function requestIdentifier(c: Context<GatewayEnv>): string {
  const incoming = c.env?.incoming
  if (incoming) return identifierAtLegacy(incoming)
  // Without Node bindings (app.request in tests, detached shadow requests): the headers alone.
  return sessionIdentifier(c.req.header('x-forwarded-for') ?? null, null, c.req.header('user-agent') ?? null)
}
