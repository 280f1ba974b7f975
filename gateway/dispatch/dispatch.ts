import type { Context, Handler, MiddlewareHandler, Next } from 'hono'
import { getConnInfo } from '@hono/node-server/conninfo'
import type { GatewayEnv } from '../../core/env.js'
import type { GatewayMetrics } from '../observability/metrics.js'
import type { ShadowRecorder } from '../shadow/shadow-recorder.js'
import { compareWithGateway } from '../shadow/compare.js'
import { captureLegacyResponse } from '../../legacy-proxy/capture.js'
import { inCanary, stickyKey } from './canary.js'
import type { RouteEntry, RouteTable } from './route-table.js'

export type DispatchOptions = {
  table: RouteTable
  legacy: Handler<GatewayEnv>
  /** Runs the gateway's own handler on a detached request (shadow mode). */
  runGateway: (request: Request) => Promise<Response>
  shadow: ShadowRecorder
  metrics: GatewayMetrics
  shadowBodyLimitBytes: number
}

/**
 * The one decision point per request: the route table's mode picks who answers. Mounted after the
 * gateway's own endpoints and before the migrated routes (which `next()` reaches).
 */
export function dispatch(options: DispatchOptions): MiddlewareHandler<GatewayEnv> {
  const { table, legacy } = options
  return async (c, next) => {
    const route = table.match(c.req.method, c.env.incoming.url ?? '')
    c.set('routeName', route?.name ?? 'unlisted')
    switch (route?.mode) {
      case 'migrated':
        return serveMigrated(c, next, route, options)
      case 'canary':
        if (inCanary(stickyKey(c.req.header('cookie'), clientAddress(c)), route.canaryPercent ?? 0)) {
          return serveMigrated(c, next, route, options)
        }
        return legacy(c, next)
      case 'shadow':
        return serveShadowed(c, next, route, options)
      default:
        return legacy(c, next)
    }
  }
}

async function serveMigrated(c: Context<GatewayEnv>, next: Next, route: RouteEntry, options: DispatchOptions) {
  await next()
  const status = c.res.status
  if (!route.fallback || !isIdempotent(c.req.method) || status < 500) return
  // The gateway failed an idempotent request: the legacy app answers it instead, as if nothing happened.
  options.metrics.countFallback(route.name, status === 503 ? 'database-unavailable' : `status-${status}`)
  c.res = undefined
  c.res = await options.legacy(c, next)
}

async function serveShadowed(c: Context<GatewayEnv>, next: Next, route: RouteEntry, options: DispatchOptions) {
  if (c.req.method !== 'GET') return options.legacy(c, next)
  const target = c.env.incoming.url ?? '/'
  // Detached copy taken before the proxy runs; a GET has no body to share.
  const request = new Request(new URL(target, 'http://gateway.internal'), { headers: c.req.raw.headers })
  const capture = captureLegacyResponse(c.env.incoming, options.shadowBodyLimitBytes)
  const response = await options.legacy(c, next)
  // The client already has the legacy answer; the comparison runs after, off the request's path.
  setImmediate(() => {
    void compareWithGateway(route, { requestId: c.get('requestId'), target, request }, capture.result(), options.runGateway, options.shadow)
  })
  return response
}

const isIdempotent = (method: string) => method === 'GET' || method === 'HEAD'

function clientAddress(c: Context<GatewayEnv>): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown'
  } catch {
    return 'unknown'
  }
}
