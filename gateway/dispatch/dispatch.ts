import type { Handler, MiddlewareHandler } from 'hono'
import type { GatewayEnv } from '../env.js'
import type { RouteTable } from './route-table.js'

/**
 * Sends a request to the gateway's own handler when the route table says the route is migrated, and to
 * the legacy proxy otherwise. Mounted after the gateway's own endpoints and before the migrated routes.
 */
export function dispatch(table: RouteTable, legacy: Handler<GatewayEnv>): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const route = table.match(c.req.method, c.env.incoming.url ?? '')
    if (route?.mode === 'migrated') return next()
    return legacy(c, next)
  }
}
