import type { MiddlewareHandler } from 'hono'
import type { GatewayEnv } from '../../core/env.js'
import type { GatewayMetrics } from './metrics.js'
import { responseStatus, upstreamOf } from '../../core/response-info.js'

/** Times every request under the route-table name the dispatcher gave it (`internal` for the gateway's own endpoints). */
export function requestMetrics(metrics: GatewayMetrics): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const started = performance.now()
    await next()
    const route = c.get('routeName') ?? 'internal'
    metrics.observeRequest(route, upstreamOf(c), c.req.method, responseStatus(c), (performance.now() - started) / 1000)
  }
}
