/**
 * `Set-Cookie` values exactly as Werkzeug 3.1's `dump_cookie` writes them for Flask's session and
 * Flask-Login's remember cookie (no Domain, no Secure, no SameSite: the legacy app sets none of them).
 */
import { REMEMBER_COOKIE_NAME } from '../../compat/flask/login.js'
import { SESSION_COOKIE_NAME } from '../../compat/flask/session.js'

/** werkzeug.http.http_date: `Tue, 03 Nov 2026 04:05:06 GMT`. */
export const httpDate = (date: Date) => date.toUTCString()

const EPOCH = 'Thu, 01 Jan 1970 00:00:00 GMT'

/** `session=<v>[; Expires=…]; HttpOnly; Path=/` (Expires only for a permanent session). */
export function sessionSetCookie(value: string, expires?: Date): string {
  return `${SESSION_COOKIE_NAME}=${value}${expires ? `; Expires=${httpDate(expires)}` : ''}; HttpOnly; Path=/`
}

/** `response.delete_cookie("session", httponly=True, path="/")`, as Flask does for an emptied session. */
export const SESSION_DELETE_COOKIE = `${SESSION_COOKIE_NAME}=; Expires=${EPOCH}; Max-Age=0; HttpOnly; Path=/`

/** Flask-Login `_set_cookie`: `remember_token=<v>; Expires=<now + duration>; HttpOnly; Path=/`. */
export function rememberSetCookie(value: string, expires: Date): string {
  return `${REMEMBER_COOKIE_NAME}=${value}; Expires=${httpDate(expires)}; HttpOnly; Path=/`
}

/** Flask-Login `_clear_cookie`: `delete_cookie(name, domain=None, path="/")`, without HttpOnly. */
export const REMEMBER_DELETE_COOKIE = `${REMEMBER_COOKIE_NAME}=; Expires=${EPOCH}; Max-Age=0; Path=/`
