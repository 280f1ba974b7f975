import type { Context } from 'hono'
import type { GatewayEnv } from './env.js'

export const UPSTREAM_HEADER = 'x-gateway-upstream'
export type Upstream = 'gateway' | 'legacy'

/** @hono/node-server's marker: "the raw Node response was written already; send nothing more". */
const ALREADY_SENT_HEADER = 'x-hono-already-sent'

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

/**
 * One marker for every proxied request (a platform Response costs ~45 µs to build: docs/benchmarks.md). Being
 * shared, its headers refuse changes: a middleware that tried to add a header to a proxied answer, which is
 * already on the wire, fails loudly instead of changing every other request's marker.
 */
const ALREADY_SENT: Response = (() => {
  const refuse = (): never => {
    throw new TypeError('the already-sent marker is shared: its headers cannot change')
  }
  const headers = Object.freeze(Object.assign(new Headers({ [ALREADY_SENT_HEADER]: 'true' }), { set: refuse, append: refuse, delete: refuse }))
  return Object.freeze(Object.defineProperty(new PlatformResponse(null), 'headers', { value: headers }))
})()

/** What the proxy returns after writing to the raw Node response: @hono/node-server then sends nothing more. */
export function alreadySent(): Response {
  return ALREADY_SENT
}

/** True for the proxy's marker Response (see `alreadySent`). */
export function isAlreadySent(response: Response): boolean {
  return response === ALREADY_SENT || response.headers.get(ALREADY_SENT_HEADER) === 'true'
}

/** True when the proxy wrote to the raw Node response instead of returning a Web Response. */
export function sentByProxy(c: Context<GatewayEnv>): boolean {
  return isAlreadySent(c.res)
}

export function responseStatus(c: Context<GatewayEnv>): number {
  return sentByProxy(c) ? c.env.outgoing.statusCode : c.res.status
}

export function upstreamOf(c: Context<GatewayEnv>): Upstream {
  return sentByProxy(c) ? 'legacy' : 'gateway'
}
