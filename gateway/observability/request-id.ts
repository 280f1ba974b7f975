import { randomUUID } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import type { GatewayEnv } from '../../core/env.js'
import { sentByProxy } from '../../core/response-info.js'

const VALID = /^[\w\-=]{1,255}$/

/**
 * hono/request-id's behaviour (reuse a well-formed incoming `X-Request-Id`, else a random UUID; echo it on the
 * response) without its cost on the proxy path: the header is read from the raw Node request, so no Web
 * `Request`/`Headers` is materialized for a request that is only piped to the legacy app (the proxy writes the
 * header on the raw response itself).
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
