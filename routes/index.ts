import { OpenAPIHono } from '@hono/zod-openapi'
import type { Handler } from 'hono'
import type { Db } from 'mongodb'
import type { Config } from '../gateway/config/config.js'
import type { GatewayEnv } from '../gateway/env.js'
import type { Logger } from '../gateway/observability/logger.js'

export type RouteDeps = {
  db: Db
  config: Config
  logger: Logger
  /** The legacy proxy, for requests a migrated route cannot decide on (e.g. a remember-me cookie only). */
  legacy: Handler<GatewayEnv>
}

/** Every migrated route group, mounted behind the dispatcher. */
export function migratedRoutes(_deps: RouteDeps): OpenAPIHono<GatewayEnv> {
  return new OpenAPIHono<GatewayEnv>()
}
