import type { OpenAPIHono } from '@hono/zod-openapi'
import { ConfigError, type Config } from './config/config.js'
import type { GatewayEnv } from './env.js'
import { createMongo, type MongoHandle } from './mongo/mongo.js'
import { createLogger, type Logger } from './observability/logger.js'
import { RouteTable, defaultRoutes, parseModeOverrides } from './dispatch/route-table.js'
import { createApp } from './app.js'

export type Gateway = {
  app: OpenAPIHono<GatewayEnv>
  config: Config
  logger: Logger
  mongo: MongoHandle
  routeTable: RouteTable
  close(): Promise<void>
}

/** Builds everything the app needs from a validated config; used by the Node server and the Vercel entry. */
export function createGateway(config: Config, logger: Logger = createLogger(config.LOG_LEVEL)): Gateway {
  let overrides
  try {
    overrides = parseModeOverrides(config.ROUTE_MODES, defaultRoutes)
  } catch (error) {
    throw new ConfigError([`ROUTE_MODES: ${(error as Error).message}`])
  }
  const routeTable = new RouteTable(defaultRoutes, overrides)
  const mongo = createMongo(config)
  const app = createApp({ config, mongo, logger, routeTable })
  return { app, config, logger, mongo, routeTable, close: () => mongo.close() }
}
