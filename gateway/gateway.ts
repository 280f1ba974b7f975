import type { OpenAPIHono } from '@hono/zod-openapi'
import { ConfigError, type Config } from './config/config.js'
import type { GatewayEnv } from '../core/env.js'
import { createMongo, type MongoHandle } from './mongo/mongo.js'
import { createLogger, type Logger } from '../core/logger.js'
import { readFileSync } from 'node:fs'
import { RouteTable, defaultRoutes, parseModeOverrides, parseOverridesFile } from './dispatch/route-table.js'
import { createApp } from './app.js'
import { createResponseCache, type ResponseCache } from '../core/response-cache.js'

export type Gateway = {
  app: OpenAPIHono<GatewayEnv>
  config: Config
  logger: Logger
  mongo: MongoHandle
  routeTable: RouteTable
  cache?: ResponseCache
  close(): Promise<void>
}

/** Builds everything the app needs from a validated config; used by the Node server and the Vercel entry. */
export function createGateway(config: Config, logger: Logger = createLogger(config.LOG_LEVEL, config.LOG_FLUSH_MS)): Gateway {
  const routeTable = loadRouteTable(config)
  const mongo = createMongo(config)
  const cache = createResponseCache({ ttlMs: config.CACHE_TTL_MS, redisUrl: config.REDIS_URL, namespace: config.MONGODB_DB, logger })
  const app = createApp({ config, mongo, logger, routeTable, cache })
  const close = async () => {
    await Promise.all([mongo.close(), cache?.close()])
  }
  return { app, config, logger, mongo, routeTable, cache, close }
}

/** Defaults, then `ROUTES_FILE`, then `ROUTE_MODES`: the most specific setting wins. */
function loadRouteTable(config: Config): RouteTable {
  const layers = []
  if (config.ROUTES_FILE) {
    try {
      layers.push(parseOverridesFile(readFileSync(config.ROUTES_FILE, 'utf8'), defaultRoutes))
    } catch (error) {
      throw new ConfigError([`ROUTES_FILE: ${(error as Error).message}`])
    }
  }
  try {
    layers.push(parseModeOverrides(config.ROUTE_MODES, defaultRoutes))
  } catch (error) {
    throw new ConfigError([`ROUTE_MODES: ${(error as Error).message}`])
  }
  return new RouteTable(defaultRoutes, ...layers)
}
