import type { Context } from 'hono'
import type { GatewayEnv } from './env.js'

export const UPSTREAM_HEADER = 'x-gateway-upstream'
export type Upstream = 'gateway' | 'legacy'

/** @hono/node-server's marker: "the raw Node response was written already; send nothing more". */
const ALREADY_SENT_HEADER = 'x-hono-already-sent'

/**
 * What the proxy returns after writing to the raw Node response: a fresh marker Response per request (the
 * library's shared RESPONSE_ALREADY_SENT object would let one request's middleware change every other's).
 */
export function alreadySent(): Response {
  return new PlatformResponse(null, { headers: { [ALREADY_SENT_HEADER]: 'true' } })
}

/**
 * The platform's own Response class. @hono/node-server swaps the global Response for a lighter one whose fast
 * path writes the status line without looking for the marker header (an ERR_HTTP_HEADERS_SENT after every
 * proxied response); the library's own marker is a platform Response for that reason. Its lighter class
 * keeps the platform's as its prototype's prototype.
 */
const PlatformResponse: typeof Response = (() => {
  const parent = Object.getPrototypeOf(Response.prototype) as { constructor?: typeof Response } | null
  return parent && parent !== Object.prototype && typeof parent.constructor === 'function' ? parent.constructor : Response
})()

/** True for the proxy's marker Response (see `alreadySent`). */
export function isAlreadySent(response: Response): boolean {
  return response.headers.get(ALREADY_SENT_HEADER) === 'true'
}

/** True when the proxy wrote to the raw Node response instead of returning a Web Response. */
export function sentByProxy(c: Context<GatewayEnv>): boolean {
  return c.res.headers.get(ALREADY_SENT_HEADER) === 'true'
}

export function responseStatus(c: Context<GatewayEnv>): number {
  return sentByProxy(c) ? c.env.outgoing.statusCode : c.res.status
}

export function upstreamOf(c: Context<GatewayEnv>): Upstream {
  return sentByProxy(c) ? 'legacy' : 'gateway'
}
