import http, { type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import { createProxyMiddleware, type RequestHandler } from 'http-proxy-middleware'
import type { Handler } from 'hono'
import type { GatewayEnv } from '../core/env.js'
import type { Logger } from '../core/logger.js'
import { UPSTREAM_HEADER, alreadySent } from '../core/response-info.js'
import { UpstreamTimeoutError, describeUpstreamFailure, sendUpstreamFailure } from './upstream-errors.js'
import { tapLegacyResponse } from './capture.js'
import { endToEndHeaders, rewriteLocation, upstreamRequestHeaders } from './headers.js'

export type LegacyProxyOptions = {
  target: string
  /** Time allowed to get a connected socket to the legacy app (a dead host fails fast with 502). */
  connectTimeoutMs: number
  /**
   * Inactivity allowed on the legacy connection: before the response headers it means the legacy app is
   * stuck (504); once a response is streaming, the stream is cut. A stream may run for any total time as
   * long as bytes keep moving.
   */
  responseTimeoutMs: number
  /** Reuse upstream connections (default on). */
  keepAlive?: boolean
  logger: Logger
}

type ProxiedRequest = { requestId: string; responded: boolean; failed: boolean }

const inFlight = new WeakMap<IncomingMessage, ProxiedRequest>()
const replayBodies = new WeakMap<IncomingMessage, Buffer>()

/**
 * For a gateway handler that had to read the request body and then leaves the request to the legacy app
 * after all (a login the gateway does not complete itself): the proxy sends these exact bytes in place of
 * the already consumed stream. The request's own Content-Length / Transfer-Encoding still apply.
 */
export function replayBodyToLegacy(incoming: IncomingMessage, body: Buffer): void {
  replayBodies.set(incoming, body)
}

/**
 * The legacy proxy as a Hono handler: http-proxy-middleware on the raw Node request/response, which
 * @hono/node-server (and Vercel's Node runtime through getRequestListener) exposes as `c.env`. The request
 * target is sent byte for byte, bodies stream both ways with backpressure, and the handler resolves once
 * the client's response is finished or closed. No middleware before this one may read the request body.
 * Behaviour and header policy: docs/proxy.md.
 */
export function legacyProxy(options: LegacyProxyOptions): Handler<GatewayEnv> {
  const proxy = createLegacyProxyMiddleware(options)
  return async (c) => {
    const { incoming, outgoing } = c.env
    const requestId = c.get('requestId')
    outgoing.setHeader(UPSTREAM_HEADER, 'legacy')
    outgoing.setHeader('x-request-id', requestId)
    // The client is already gone: nothing to forward. (`incoming` itself may be destroyed after a handler
    // read the body for a replay, so only the connection counts.)
    if (outgoing.closed || outgoing.destroyed || incoming.socket?.destroyed) return alreadySent()
    inFlight.set(incoming, { requestId, responded: false, failed: false })
    // Node has already answered `100 Continue` to the client; and http-proxy skips its `proxyReq` event
    // (where our header policy applies) for requests that still carry `Expect`.
    delete incoming.headers.expect
    await new Promise<void>((resolve) => {
      outgoing.once('close', () => resolve())
      void proxy(incoming, outgoing, (error?: unknown) => {
        // Only reached if the middleware declines the request, which it never does without a path filter.
        sendUpstreamFailure(outgoing, describeUpstreamFailure(error, requestId))
      })
    })
    return alreadySent()
  }
}

function createLegacyProxyMiddleware(options: LegacyProxyOptions): RequestHandler<IncomingMessage, ServerResponse> {
  const origin = new URL(options.target)
  if (origin.protocol !== 'http:') throw new Error(`legacy proxy: only http:// targets are supported, got ${options.target}`)
  // Keep-alive pays off with a keep-alive capable legacy server; gunicorn's sync workers close every
  // connection themselves, which the agent handles (it just opens a new one).
  const agent = new http.Agent({ keepAlive: options.keepAlive !== false, maxSockets: 256, maxFreeSockets: 64 })
  const { logger } = options

  const fail = (error: Error, req: IncomingMessage, res: ServerResponse | import('node:net').Socket) => {
    const state = inFlight.get(req)
    if (state?.failed) return
    if (state) state.failed = true
    const requestId = state?.requestId ?? ''
    const failure = describeUpstreamFailure(error, requestId)
    const err = error as NodeJS.ErrnoException
    logger.warn(
      { requestId, method: req.method, url: req.url, err: { message: err.message, code: err.code }, status: failure.status, responseStarted: state?.responded ?? false },
      state?.responded ? 'legacy response cut short' : 'legacy upstream failed',
    )
    sendUpstreamFailure(res, failure)
  }

  return createProxyMiddleware<IncomingMessage, ServerResponse>({
    target: options.target,
    agent,
    // The header policy (Host, X-Forwarded-*, hop-by-hop) and Location rewriting are ours: headers.ts.
    changeOrigin: false,
    xfwd: false,
    // We write the response ourselves (documented http-proxy mode): end-to-end headers only, every
    // Set-Cookie on its own line, Location rewritten, and a cut upstream never looking complete.
    selfHandleResponse: true,
    on: {
      proxyReq: (proxyReq, req, res) => prepareUpstreamRequest(proxyReq, req, res, origin, options),
      proxyRes: (proxyRes, req, res) => relayResponse(proxyRes, req, res, origin, logger),
      error: fail,
    },
  })
}

// http-proxy emits 'proxyReq' from the upstream request's 'socket' event: the socket is assigned and the
// request line and headers are not written yet, so they can still be set here.
function prepareUpstreamRequest(proxyReq: ClientRequest, req: IncomingMessage, res: ServerResponse, origin: URL, options: LegacyProxyOptions): void {
  const state = inFlight.get(req)
  // The raw request target, untouched: http-proxy joins target and path and merges repeated slashes, which
  // would turn a URL the legacy app redirects (`/api//dashboard`) into one it serves.
  proxyReq.path = req.url ?? '/'
  const headers = upstreamRequestHeaders(req, { legacyHost: origin.host, requestId: state?.requestId ?? '' })
  for (const name of proxyReq.getHeaderNames()) {
    // Removing these two would switch off Node's own body framing and keep-alive handling for this request.
    if (name in headers || name === 'transfer-encoding' || name === 'connection') continue
    proxyReq.removeHeader(name)
  }
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) proxyReq.setHeader(name, value)
  // The client's Connection header (and what it names) is hop-by-hop; this connection is the agent's.
  proxyReq.setHeader('connection', options.keepAlive === false ? 'close' : 'keep-alive')

  armTimeouts(proxyReq, options)
  // The client went away before its response was complete: close the legacy request too, so a streaming
  // legacy worker stops instead of producing for nobody.
  res.once('close', () => {
    if (res.writableFinished || proxyReq.destroyed) return
    if (state) state.failed = true
    options.logger.info({ requestId: state?.requestId, method: req.method, url: req.url }, 'client closed the connection; legacy request closed')
    proxyReq.destroy()
  })

  const replay = replayBodies.get(req)
  if (replay) {
    replayBodies.delete(req)
    // http-proxy then pipes the already ended request stream, which just ends the upstream request.
    if (replay.length > 0) proxyReq.write(replay)
  }
}

function relayResponse(proxyRes: IncomingMessage, req: IncomingMessage, res: ServerResponse, origin: URL, logger: Logger): void {
  const state = inFlight.get(req)
  if (state) state.responded = true
  if (res.headersSent || res.destroyed) {
    proxyRes.destroy()
    return
  }
  tapLegacyResponse(req, proxyRes)
  const headers = endToEndHeaders(proxyRes)
  const location = headers.location?.[0]
  if (location !== undefined) headers.location = [rewriteLocation(location, origin, req)]
  for (const [name, values] of Object.entries(headers)) res.setHeader(name, values.length === 1 ? values[0]! : values)
  res.setHeader(UPSTREAM_HEADER, 'legacy')
  if (state) res.setHeader('x-request-id', state.requestId)
  res.writeHead(proxyRes.statusCode ?? 502, proxyRes.statusMessage)
  // Errors of the response stream surface as an upstream request error (logged there) or as the early close below.
  proxyRes.on('error', () => {})
  proxyRes.pipe(res)
  proxyRes.once('close', () => {
    // A legacy response that ended early (worker died, timeout) must not look complete to the client.
    if (proxyRes.complete || res.writableFinished) return
    if (state && !state.failed) {
      state.failed = true
      logger.warn({ requestId: state.requestId, method: req.method, url: req.url }, 'legacy response cut short')
    }
    res.destroy()
  })
}

function armTimeouts(proxyReq: ClientRequest, options: LegacyProxyOptions): void {
  const socket = proxyReq.socket
  if (socket?.connecting) {
    const { connectTimeoutMs } = options
    const timer = setTimeout(() => proxyReq.destroy(new UpstreamTimeoutError('connect', connectTimeoutMs)), connectTimeoutMs)
    socket.once('connect', () => clearTimeout(timer))
    proxyReq.once('close', () => clearTimeout(timer))
  }
  // An idle upstream socket for this long means the legacy app is stuck: 504 before headers, cut after.
  const { responseTimeoutMs } = options
  proxyReq.setTimeout(responseTimeoutMs, () => proxyReq.destroy(new UpstreamTimeoutError('response', responseTimeoutMs)))
}
