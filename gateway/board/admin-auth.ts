import { createHmac, timingSafeEqual } from 'node:crypto'
import type { Context, MiddlewareHandler } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import type { GatewayEnv } from '../../core/env.js'

export const BOARD_COOKIE = 'gw_admin'
/** Header the board's script sends on writes: a cross-site form cannot set it (with SameSite=Strict, CSRF-proof). */
export const BOARD_WRITE_HEADER = 'x-gateway-board'
/** The board cookie's lifetime. */
export const BOARD_COOKIE_MAX_AGE_SECONDS = 8 * 60 * 60

/**
 * The admin token, accepted three ways: `Authorization: Bearer <token>` (scripts, the tests); `?token=` on a
 * GET, which sets an HttpOnly SameSite=Strict cookie and redirects to the same URL without the token (so it
 * stays out of history and logs); and that cookie. The cookie holds an HMAC of the token, never the token;
 * a write authorized by the cookie must also carry `X-Gateway-Board: 1`.
 */
export function adminAuth(token: string): MiddlewareHandler<GatewayEnv> {
  const cookieValue = createHmac('sha256', token).update('gateway-board-cookie').digest('base64url')
  return async (c, next) => {
    const header = c.req.header('authorization') ?? ''
    const bearer = /^Bearer +(\S+) *$/i.exec(header)?.[1]
    if (bearer !== undefined && same(bearer, token)) return next()
    const query = c.req.query('token')
    if (query !== undefined && c.req.method === 'GET') {
      if (!same(query, token)) return refuse(c)
      setCookie(c, BOARD_COOKIE, cookieValue, {
        httpOnly: true,
        sameSite: 'Strict',
        path: '/_gateway',
        maxAge: BOARD_COOKIE_MAX_AGE_SECONDS,
        secure: new URL(c.req.url).protocol === 'https:',
      })
      const url = new URL(c.req.url)
      url.searchParams.delete('token')
      return c.redirect(`${url.pathname}${url.search}`, 303)
    }
    const cookie = getCookie(c, BOARD_COOKIE)
    if (cookie !== undefined && same(cookie, cookieValue)) {
      const safe = c.req.method === 'GET' || c.req.method === 'HEAD'
      if (safe || c.req.header(BOARD_WRITE_HEADER) === '1') return next()
    }
    return refuse(c)
  }
}

function refuse(c: Context<GatewayEnv>): Response {
  return c.json({ erro: 'Unauthorized', problems: ['an admin token is required: Authorization: Bearer <ADMIN_TOKEN>, or open /_gateway/?token=<ADMIN_TOKEN>'] }, 401, {
    'www-authenticate': 'Bearer realm="gateway"',
    'cache-control': 'no-store',
  })
}

function same(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}
