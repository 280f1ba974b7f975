import { readFileSync } from 'node:fs'
import { ConfigError, type Config } from './config/config.js'
import { createMongo, type MongoHandle } from './mongo/mongo.js'
import { createLogger, type Logger } from '../core/logger.js'
import { RouteSettings, parseModeOverrides, parseOverridesFile, type OverrideLayer } from '../core/route-settings.js'
import { validateRoutes } from '../core/validate-routes.js'
import type { RouteDeclaration } from '../core/route.js'
import { ensureIndexes as ensureRouteIndexes, routeDeclarations } from '../routes/index.js'
import { createApp, type GatewayApp } from './app.js'
import { createResponseCache, type ResponseCache } from '../core/response-cache.js'
import { broadcastCacheInvalidation, onPeerCacheInvalidation } from './cluster.js'
import { legacyUrlMap } from './routing/url-map.js'
import { hostname } from 'node:os'
import type { LiveOverrides } from '../control/live-overrides.js'
import { createControlPlane } from './control-plane.js'
import { GatewayMetrics } from './observability/metrics.js'

export type Gateway = {
  app: GatewayApp
  live: LiveOverrides
  /** Every index the gateway relies on: the routes' and the control plane's. */
  ensureIndexes(): Promise<void>
  config: Config
  logger: Logger
  mongo: MongoHandle
  settings: RouteSettings
  cache?: ResponseCache
  close(): Promise<void>
}

/** Builds everything the app needs from a validated config; used by the Node server and the Vercel entry. */
export function createGateway(config: Config, logger: Logger = createLogger(config.LOG_LEVEL, config.LOG_FLUSH_MS)): Gateway {
  const urlMap = legacyUrlMap()
  const settings = loadRouteSettings(config, routeDeclarations, urlMap)
  const mongo = createMongo(config)
  const cache = createResponseCache({
    ttlMs: config.CACHE_TTL_MS,
    maxEntries: config.CACHE_MAX_ENTRIES,
    redisUrl: config.REDIS_URL,
    namespace: config.MONGODB_DB,
    logger,
    peers: { broadcast: broadcastCacheInvalidation, onInvalidation: onPeerCacheInvalidation },
  })
  const instance = config.INSTANCE_ID ?? `${hostname()}:${process.pid}`
  const metrics = new GatewayMetrics()
  const control = createControlPlane({ config, db: mongo.db, settings, logger, metrics, instance })
  const app = createApp({ config, mongo, logger, settings, urlMap, cache, metrics, control })
  control.start()
  const close = async () => {
    await control.stop()
    await Promise.all([mongo.close(), cache?.close()])
  }
  const ensureIndexes = async () => {
    await ensureRouteIndexes(mongo.db)
    await control.ensureIndexes()
  }
  return { app, config, logger, mongo, settings, cache, live: control.live, ensureIndexes, close }
}

/** The route settings this configuration puts in force; throws a ConfigError listing every problem. */
export function checkRoutes(config: Pick<Config, 'ROUTES_FILE' | 'ROUTE_MODES'>): RouteSettings {
  return loadRouteSettings(config, routeDeclarations, legacyUrlMap())
}

/**
 * The declarations, then ROUTES_FILE, then ROUTE_MODES (the most specific wins; live overrides go on top at
 * run time). Every problem in any of them is reported at once, as one ConfigError.
 */
export function loadRouteSettings(
  config: Pick<Config, 'ROUTES_FILE' | 'ROUTE_MODES'>,
  declarations: readonly RouteDeclaration[],
  legacyRules?: Parameters<typeof validateRoutes>[2],
): RouteSettings {
  const problems: string[] = []
  const layers: OverrideLayer[] = []
  if (config.ROUTES_FILE) {
    let text: string | undefined
    try {
      text = readFileSync(config.ROUTES_FILE, 'utf8')
    } catch (error) {
      problems.push(`ROUTES_FILE: cannot read ${config.ROUTES_FILE}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
    }
    if (text !== undefined) {
      const file = parseOverridesFile(text)
      problems.push(...file.problems.map((problem) => `ROUTES_FILE: ${problem}`))
      layers.push({ source: 'file', overrides: file.overrides })
    }
  }
  const env = parseModeOverrides(config.ROUTE_MODES)
  problems.push(...env.problems.map((problem) => `ROUTE_MODES: ${problem}`))
  layers.push({ source: 'env', overrides: env.overrides })
  problems.push(...validateRoutes(declarations, layers, legacyRules))
  if (problems.length > 0) throw new ConfigError(problems)
  return new RouteSettings(declarations, layers)
}
