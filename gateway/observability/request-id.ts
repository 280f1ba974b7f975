import { randomUUID } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import type { GatewayEnv } from '../../core/env.js'
import { sentByProxy } from '../../core/response-info.js'

const VALID = /^[\w\-=]{1,255}$/

/**
 * hono/request-id's rule (reuse a well-formed incoming `X-Request-Id`, else a random UUID), with the header
 * set on the response after the handler: hono/request-id sets it with `c.header()` before `next()`, which Hono
 * drops when a handler returns its own Web `Response` (every gateway route does). The proxy writes the header
 * on the raw Node response itself.
 */
export function requestId(): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const incoming = c.env?.incoming
    const header = incoming ? incoming.headers['x-request-id'] : c.req.header('x-request-id')
    const given = Array.isArray(header) ? header[0] : header
    const id = given !== undefined && VALID.test(given) ? given : randomUUID()
    c.set('requestId', id)
    await next()
    if (!sentByProxy(c)) c.res.headers.set('x-request-id', id)
  }
}
