import type { Context } from 'hono'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import type { GatewayEnv } from './env.js'

export const UPSTREAM_HEADER = 'x-gateway-upstream'
export type Upstream = 'gateway' | 'legacy'

/** True when the proxy wrote to the raw Node response instead of returning a Web Response. */
export function sentByProxy(c: Context<GatewayEnv>): boolean {
  return c.res === RESPONSE_ALREADY_SENT
}

export function responseStatus(c: Context<GatewayEnv>): number {
  return sentByProxy(c) ? c.env.outgoing.statusCode : c.res.status
}

export function upstreamOf(c: Context<GatewayEnv>): Upstream {
  return sentByProxy(c) ? 'legacy' : 'gateway'
}
