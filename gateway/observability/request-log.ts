import type { MiddlewareHandler } from 'hono'
import type { GatewayEnv } from '../../core/env.js'
import type { Logger } from '../../core/logger.js'
import { responseStatus, upstreamOf } from '../../core/response-info.js'

/** One log line per request, after the response is done (for proxied requests: after the stream ends). */
export function requestLog(logger: Logger): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const started = performance.now()
    await next()
    logger.info(
      {
        requestId: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        route: c.get('routeName') ?? 'internal',
        status: responseStatus(c),
        upstream: upstreamOf(c),
        ms: Math.round((performance.now() - started) * 100) / 100,
      },
      'request',
    )
  }
}
