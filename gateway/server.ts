import { serve } from '@hono/node-server'
import cluster from 'node:cluster'
import type { Server, ServerOptions } from 'node:http'
import { ConfigError, loadConfig, type Config } from './config/config.js'
import { runClusterPrimary } from './cluster.js'
import { checkRoutes, createGateway, type Gateway } from './gateway.js'
import { ensureIndexesAtStartup } from './ensure-indexes-at-startup.js'
import { startMovementRecovery } from '../routes/movimentacoes/recovery.js'
import { writeAdmission } from '../routes/shared/write-admission.js'
import { gracefulDrain } from './drain.js'
import { limitHeapGrowth } from './heap-growth.js'

/** Node entry point: validated config, one server, graceful shutdown on SIGTERM/SIGINT. */
function main(): void {
  let config: Config
  let gateway: Gateway
  try {
    config = loadConfig()
    limitHeapGrowth(config.HEAP_GROWTH_PERCENT)
    // Checked here too, so that a cluster primary refuses a bad route configuration instead of forking workers
    // that exit one after the other.
    checkRoutes(config)
    // WEB_CONCURRENCY > 1: this process only forks and supervises the workers (node:cluster shares the port).
    if (config.WEB_CONCURRENCY > 1 && cluster.isPrimary) return runClusterPrimary(config.WEB_CONCURRENCY, config.SHUTDOWN_TIMEOUT_MS)
    gateway = createGateway(config)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    process.stderr.write(`estoque-gateway: ${error.message}\n`)
    process.exit(1)
  }
  const { app, logger } = gateway
  const db = gateway.mongo.db
  // Indexes of the migrated routes and the control plane: in the background, retried while MongoDB is down
  // (ENSURE_INDEXES=off: skipped).
  const stopIndexes = config.ENSURE_INDEXES ? ensureIndexesAtStartup(gateway.ensureIndexes, logger) : () => {}
  // Finishes movements a dead process left pending: now, and every WRITE_RECOVERY_INTERVAL_MS.
  const recovery = startMovementRecovery(db, logger, config.WRITE_RECOVERY_INTERVAL_MS)
  const drain = gracefulDrain({
    timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    admission: writeAdmission,
    logger,
    release: async () => {
      stopIndexes()
      await recovery.stop()
      await gateway.close().catch((error: unknown) => logger.warn({ err: error }, 'mongodb close failed'))
    },
  })
  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST, serverOptions: clientTimeouts(config) }, (info) => {
    const worker = cluster.isWorker ? cluster.worker?.id : undefined
    logger.info({ port: info.port, host: config.HOST, legacy: config.LEGACY_URL, worker, routes: gateway.settings.declarations.map((route) => ({ name: route.name, methods: route.methods, rule: route.rule, mode: gateway.settings.get(route.name).mode })) }, 'gateway listening')
  }) as Server
  drain.track(server)
  server.on('error', (error) => {
    logger.fatal({ err: error }, 'server failed')
    process.exit(1)
  })

  const shutdown = (signal: string) => {
    if (drain.draining) return
    logger.info({ signal, timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'shutting down: draining in-flight requests')
    void drain.drain().then((clean) => {
      logger.info({ clean }, 'stopped')
      process.exit(0)
    })
  }
  process.once('SIGTERM', () => shutdown('SIGTERM'))
  process.once('SIGINT', () => shutdown('SIGINT'))
}

/**
 * Limits on how slowly a client may send its request (nginx's client_header_timeout; for the whole request
 * there is no nginx twin): past them Node answers 408 and closes. Node checks them every
 * `connectionsCheckingInterval`, so that runs at a fraction of the shortest one.
 */
function clientTimeouts(config: Config): ServerOptions {
  const shortest = Math.min(config.HEADERS_TIMEOUT_MS, config.REQUEST_TIMEOUT_MS || Infinity)
  return {
    headersTimeout: shortest,
    requestTimeout: config.REQUEST_TIMEOUT_MS,
    connectionsCheckingInterval: Math.max(250, Math.min(30_000, Math.floor(shortest / 4))),
  }
}

main()
