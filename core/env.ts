import type { HttpBindings } from '@hono/node-server'
import type { SessionUser } from './auth/session-user.js'

/** Hono environment shared by every gateway module: raw Node bindings (for the proxy) and per-request vars. */
export type GatewayEnv = {
  Bindings: HttpBindings
  Variables: {
    requestId: string
    /** Set by the session middleware on migrated routes. */
    user: SessionUser
    /** The route-table name of the request (`unlisted` when not in the table), for metrics and logs. */
    routeName: string
    /** For an `unlisted` request: the legacy endpoint Werkzeug picks for it, or `(not-found)` and the like. */
    legacyEndpoint: string
  }
}
