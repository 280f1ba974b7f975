import type { MiddlewareHandler } from 'hono'
import type { GatewayEnv } from '../../core/env.js'
import { UPSTREAM_HEADER, sentByProxy } from '../../core/response-info.js'

/**
 * Marks every gateway-made response `x-gateway-upstream: gateway`. Proxied responses are labelled by the
 * proxy on the raw Node response instead: `c.res` is then a shared sentinel that must not be touched.
 */
export function labelUpstream(): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    await next()
    if (!sentByProxy(c)) c.res.headers.set(UPSTREAM_HEADER, 'gateway')
  }
}
