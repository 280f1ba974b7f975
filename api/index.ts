/**
 * Vercel entry: the same gateway as `gateway/server.ts`, on Vercel's Node.js runtime.
 *
 * - A Node request listener (`getRequestListener(app.fetch)`), not a Web handler: the legacy proxy
 *   (http-proxy-middleware) needs the raw IncomingMessage/ServerResponse, which the listener passes to
 *   the app as `c.env.incoming` / `c.env.outgoing`, exactly as `serve()` does on the Node server.
 * - The gateway (and its pooled MongoClient) is created once, when the module is first imported, and
 *   reused by every invocation the instance serves.
 * - A configuration error does not crash the import (which Vercel reports only as
 *   FUNCTION_INVOCATION_FAILED): it is logged once, with every problem, and each request gets a 500 JSON
 *   body naming the settings to fix (names only, never values).
 * - Once per cold start, in the background (no request waits for it): the migrated routes' indexes, TTL of
 *   idempotency keys included (ENSURE_INDEXES=off skips it, for a database user without createIndex), and a
 *   recovery pass over pending movements; further recovery passes are started by requests, at most one per
 *   WRITE_RECOVERY_INTERVAL_MS (an instance between invocations is frozen, so no timer would run).
 * - vercel.json rewrites every path to this function; Vercel keeps the URL the client asked for in
 *   `req.url`, so the route table sees the same raw target as on the Node server.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { getRequestListener } from '@hono/node-server'
import { ConfigError, loadConfig } from '../gateway/config/config.js'
import { createGateway, type Gateway } from '../gateway/gateway.js'
import { ensureIndexesAtStartup } from '../gateway/ensure-indexes-at-startup.js'
import { startMovementRecovery } from '../routes/movimentacoes/recovery.js'

export type NodeListener = (req: IncomingMessage, res: ServerResponse) => Promise<void>

export type VercelEntry = {
  /** The listener Vercel calls for each request. */
  listener: NodeListener
  /** Undefined when the configuration is invalid. */
  gateway: Gateway | undefined
  /** The configuration problems, when there are any. */
  configError: ConfigError | undefined
}

/** Builds the entry from an environment; the module's default export is this, built once from process.env. */
export function createVercelEntry(env: Record<string, string | undefined> = process.env): VercelEntry {
  let gateway: Gateway
  try {
    gateway = createGateway(loadConfig(env))
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    process.stderr.write(`estoque-gateway (vercel): ${error.message}\n`)
    return { listener: misconfigured(error), gateway: undefined, configError: error }
  }
  const { config, logger, mongo } = gateway
  if (config.ENSURE_INDEXES) ensureIndexesAtStartup(gateway.ensureIndexes, logger)
  const recovery = startMovementRecovery(mongo.db, logger, config.WRITE_RECOVERY_INTERVAL_MS, false)
  recovery.poke()
  const requestListener = getRequestListener(gateway.app.fetch)
  let helpersWarned = false
  const listener: NodeListener = (req, res) => {
    // With Vercel's Node helpers on, the runtime buffers every request body before we see it (and adds
    // req.query/req.cookies/req.body): the proxy still works, but uploads stop streaming. NODEJS_HELPERS=0.
    if (!helpersWarned && Object.prototype.hasOwnProperty.call(req, 'query')) {
      helpersWarned = true
      gateway.logger.warn('Vercel Node helpers are enabled: set NODEJS_HELPERS=0 so request bodies stream to the legacy app')
    }
    recovery.poke()
    return requestListener(req, res)
  }
  return { listener, gateway, configError: undefined }
}

function misconfigured(error: ConfigError): NodeListener {
  const settings = [...new Set(error.problems.map((problem) => problem.split(':', 1)[0]))]
  const body = JSON.stringify({
    error: 'gateway_misconfigured',
    message: 'The gateway configuration is invalid; see the function logs. Fix these environment variables and redeploy.',
    settings,
  })
  return async (_req, res) => {
    res.writeHead(500, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
    res.end(body)
  }
}

export const entry = createVercelEntry()

export default entry.listener
