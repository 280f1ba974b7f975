/**
 * Flask's `save_session` decision for a session the gateway changed (or refreshed), as one Set-Cookie
 * value or nothing. Mirrors SecureCookieSessionInterface.save_session with the legacy app's settings:
 * - emptied and modified → delete the cookie;
 * - empty and untouched → nothing;
 * - `should_set_cookie`: modified, or permanent with SESSION_REFRESH_EACH_REQUEST (default True);
 * - permanent (`_permanent` in the session) → Expires = now + PERMANENT_SESSION_LIFETIME.
 */
import { DEFAULT_MAX_AGE_SECONDS, encodeSession, type SessionData } from '../../compat/flask/session.js'
import { SESSION_DELETE_COOKIE, sessionSetCookie } from './set-cookie.js'

export function savedSessionCookie(
  data: SessionData,
  modified: boolean,
  secretKey: string,
  nowMs = Date.now(),
  lifetimeSeconds = DEFAULT_MAX_AGE_SECONDS,
): string | null {
  if (Object.keys(data).length === 0) return modified ? SESSION_DELETE_COOKIE : null
  const permanent = pythonTruthy(data._permanent)
  if (!modified && !permanent) return null
  const value = encodeSession(data, secretKey, Math.floor(nowMs / 1000))
  return sessionSetCookie(value, permanent ? new Date(nowMs + lifetimeSeconds * 1000) : undefined)
}

/** Python's truth value for JSON-ish values. */
export function pythonTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false
  if (Array.isArray(value)) return value.length > 0
  if (Buffer.isBuffer(value)) return value.length > 0
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) return Object.keys(value).length > 0
  return true
}
