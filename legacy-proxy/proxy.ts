import http, { type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import { createProxyMiddleware, type RequestHandler } from 'http-proxy-middleware'
import { accepts } from 'hono/accepts'
import type { Context } from 'hono'
import type { GatewayEnv } from '../core/env.js'
import type { LegacyForward, LegacyForwardInit } from '../core/dispatch.js'
import { safeLocation } from '../core/safe-redirect.js'
import type { Logger } from '../core/logger.js'
import { UPSTREAM_HEADER, alreadySent } from '../core/response-info.js'
import { UpstreamTimeoutError, describeUpstreamFailure, legacyTooLarge, overloaded, sendUpstreamFailure, type ProxyFailure } from './upstream-errors.js'
import { copyResponse } from './copy-response.js'
import { lingerOnClose } from './lingering-close.js'
import { clientOrigin, endToEndHeaders, rewriteLocation, upstreamRequestHeaders } from './headers.js'
import { memoryBody, readRequestBody, type BodyLimits, type BufferedBody } from './request-body.js'
import { AdmissionPool, type AdmissionObserver, type PoolLimits, type PoolName, type Release } from './admission.js'
import { relayBody, type ResponseBufferLimits } from './response-relay.js'
import { holdsWhole, readWhole } from './held-answer.js'

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
  /** Request bodies are read whole before the legacy app sees the request. */
  requestBody: Omit<BodyLimits, 'tempDir'>
  /** Response bytes read ahead of a slow client. */
  responseBuffer: Omit<ResponseBufferLimits, 'tempDir'>
  tempDir?: string | undefined
  /** Short requests and Server-Sent Events streams each get their own bounded pool. */
  admission: { requests: PoolLimits; streams: PoolLimits; retryAfterSeconds: number }
  observer?: AdmissionObserver
}

type ProxiedRequest = {
  requestId: string
  /** The client's request (the proxy is handed a stand-in carrying the buffered body). */
  incoming: IncomingMessage
  bodySize: number | null
  responded: boolean
  failed: boolean
  upstreamDone: boolean
  pool: PoolName
  release: Release
  /** The caller asked for a copy of the response (shadow mode). */
  copy: LegacyForwardInit['copy']
  /** What the dispatcher asked of this answer (same-origin redirects, a status observer). */
  relay: LegacyForwardInit['relay']
  /** Frees the slot and the body once the legacy app is done with this request (not the client). */
  finish(): void
  wantsHtml(): boolean
}

const inFlight = new WeakMap<IncomingMessage, ProxiedRequest>()

/**
 * The legacy proxy, as the handler the dispatcher (and the migrated routes that defer) call:
 * 1. the request body is read whole (memory, then a temp file; 413 over the legacy's limit, 408 for a
 *    client that stops sending) — `init.body` when a gateway handler already read it;
 * 2. a slot in the bounded pool for its kind (Server-Sent Events apart), else a fast 503 with Retry-After;
 * 3. http-proxy-middleware on the raw Node response: raw request target, header policy, timeouts, and the
 *    response read ahead of slow clients (response-relay.ts); the slot is freed when the legacy app has
 *    finished, not when the client has.
 * Resolves once the client's response is finished or closed. Behaviour and limits: docs/proxy.md.
 */
export function legacyProxy(options: LegacyProxyOptions): LegacyForward {
  const proxy = createLegacyProxyMiddleware(options)
  const pools: Record<PoolName, AdmissionPool> = {
    requests: new AdmissionPool('requests', options.admission.requests, options.observer),
    streams: new AdmissionPool('streams', options.admission.streams, options.observer),
  }
  const bodyLimits: BodyLimits = { ...options.requestBody, tempDir: options.tempDir }
  const responseBuffer: ResponseBufferLimits = { ...options.responseBuffer, tempDir: options.tempDir }
  const { logger } = options

  return async (c, init) => {
    const { incoming, outgoing } = c.env
    const requestId = c.get('requestId')
    outgoing.setHeader(UPSTREAM_HEADER, 'legacy')
    outgoing.setHeader('x-request-id', requestId)
    // The client is already gone: nothing to forward.
    if (outgoing.closed || outgoing.destroyed || incoming.socket?.destroyed) return alreadySent()
    const wantsHtml = () => isNavigation(c)
    const refuse = (failure: ProxyFailure, message: string, extra: Record<string, unknown> = {}) => {
      logger.warn({ requestId, method: incoming.method, url: incoming.url, status: failure.status, ...extra }, message)
      if (failure.closeConnection) lingerOnClose(incoming, outgoing)
      sendUpstreamFailure(outgoing, failure, wantsHtml())
      return alreadySent()
    }

    const given = init?.body
    let body: BufferedBody | null
    if (given !== undefined) body = memoryBody(given)
    else {
      const outcome = await readRequestBody(incoming, bodyLimits)
      if (!outcome.ok) {
        if (outcome.status === 0) {
          logger.info({ requestId, method: incoming.method, url: incoming.url, reason: outcome.reason }, 'client left before its request body was complete')
          return alreadySent()
        }
        return refuse(bodyFailure(outcome.status, incoming, requestId), 'request body refused', { reason: outcome.reason })
      }
      body = outcome.body
    }

    const poolName: PoolName = isStreamRequest(incoming) ? 'streams' : 'requests'
    let release = pools[poolName].tryAcquire()
    if (!release) {
      const left = new AbortController()
      const onClose = () => left.abort()
      outgoing.once('close', onClose)
      const admission = await pools[poolName].acquire(left.signal)
      if (!admission.admitted) {
        void body?.dispose()
        if (left.signal.aborted) return alreadySent()
        outgoing.off('close', onClose)
        return refuse(overloaded(requestId, options.admission.retryAfterSeconds), 'legacy app saturated: request refused', { pool: poolName, reason: admission.reason })
      }
      outgoing.off('close', onClose)
      release = admission.release
    }

    const proxied = standIn(incoming, body)
    const state: ProxiedRequest = {
      requestId,
      incoming,
      bodySize: body?.size ?? null,
      responded: false,
      failed: false,
      upstreamDone: false,
      pool: poolName,
      release,
      copy: init?.copy,
      relay: init?.relay,
      finish() {
        if (state.upstreamDone) return
        state.upstreamDone = true
        state.release()
        void body?.dispose()
      },
      wantsHtml,
    }
    state.finish = state.finish.bind(state)
    inFlight.set(proxied, state)
    try {
      await new Promise<void>((resolve) => {
        outgoing.once('close', () => resolve())
        if (outgoing.closed) return resolve()
        void proxy(proxied, outgoing, (error?: unknown) => {
          // Only reached if the middleware declines the request, which it never does without a path filter.
          sendUpstreamFailure(outgoing, describeUpstreamFailure(error, requestId), wantsHtml())
        })
      })
    } finally {
      state.finish()
    }
    return alreadySent()
  }

  function createLegacyProxyMiddleware(options: LegacyProxyOptions): RequestHandler<IncomingMessage, ServerResponse> {
    const origin = new URL(options.target)
    if (origin.protocol !== 'http:') throw new Error(`legacy proxy: only http:// targets are supported, got ${options.target}`)
    // Keep-alive pays off with a keep-alive capable legacy server; gunicorn's sync workers close every
    // connection themselves, which the agent handles (it just opens a new one). The admission pools keep
    // the number of sockets far below maxSockets.
    const agent = new http.Agent({ keepAlive: options.keepAlive !== false, maxSockets: 256, maxFreeSockets: 64 })
    const { logger } = options

    const fail = (error: Error, req: IncomingMessage, res: ServerResponse | import('node:net').Socket) => {
      const state = inFlight.get(req)
      if (state?.failed) return
      state?.finish()
      if (state) state.failed = true
      const requestId = state?.requestId ?? ''
      const failure = describeUpstreamFailure(error, requestId)
      const err = error as NodeJS.ErrnoException
      logger.warn(
        { requestId, method: req.method, url: req.url, err: { message: err.message, code: err.code }, status: failure.status, responseStarted: state?.responded ?? false },
        state?.responded ? 'legacy response cut short' : 'legacy upstream failed',
      )
      sendUpstreamFailure(res, failure, state?.wantsHtml() ?? false)
    }

    return createProxyMiddleware<IncomingMessage, ServerResponse>({
      target: options.target,
      agent,
      // The header policy (Host, X-Forwarded-*, hop-by-hop) and Location rewriting are ours: headers.ts.
      changeOrigin: false,
      xfwd: false,
      // We write the response ourselves (documented http-proxy mode): end-to-end headers only, every
      // Set-Cookie on its own line, Location rewritten, read ahead of slow clients, and a cut upstream
      // never looking complete.
      selfHandleResponse: true,
      on: {
        proxyReq: (proxyReq, req, res) => prepareUpstreamRequest(proxyReq, req, res, origin, options),
        proxyRes: (proxyRes, req, res) => relayResponse(proxyRes, req, res, origin, fail),
        error: fail,
      },
    })
  }

  function relayResponse(proxyRes: IncomingMessage, req: IncomingMessage, res: ServerResponse, origin: URL, fail: (error: Error, req: IncomingMessage, res: ServerResponse) => void): void {
    const state = inFlight.get(req)
    if (res.headersSent || res.destroyed) {
      proxyRes.destroy()
      state?.finish()
      return
    }
    const incoming = state?.incoming ?? req
    const stream = isEventStream(proxyRes)
    if (stream && state && state.pool === 'requests') {
      // A stream nobody announced (no `Accept: text/event-stream`): it moves to the streams pool, so the
      // short-request slot is free again for as long as it runs.
      state.release()
      state.release = pools.streams.adopt()
      state.pool = 'streams'
    }
    if (state?.copy) copyResponse(proxyRes, state.copy)
    const sendHead = () => {
      if (state) state.responded = true
      const headers = endToEndHeaders(proxyRes)
      const location = headers.location?.[0]
      if (location !== undefined) {
        const rewritten = rewriteLocation(location, origin, incoming)
        const fallback = state?.relay?.sameOriginRedirects
        headers.location = [fallback === undefined ? rewritten : safeLocation(rewritten, clientOrigin(incoming), fallback)]
      }
      state?.relay?.onStatus?.(proxyRes.statusCode ?? 502)
      // A cookie the gateway itself set before proxying (the canary's gw_canary) goes out with the legacy's own.
      const ownCookies = res.getHeader('set-cookie')
      for (const [name, values] of Object.entries(headers)) res.setHeader(name, values.length === 1 ? values[0]! : values)
      if (ownCookies !== undefined) res.setHeader('set-cookie', [...([] as string[]).concat(ownCookies as string | string[]), ...(headers['set-cookie'] ?? [])])
      res.setHeader(UPSTREAM_HEADER, 'legacy')
      if (state) res.setHeader('x-request-id', state.requestId)
      res.writeHead(proxyRes.statusCode ?? 502, proxyRes.statusMessage)
    }
    // Errors of the response stream surface as an upstream request error (logged there) or as the early close below.
    proxyRes.on('error', () => {})
    proxyRes.once('end', () => state?.finish())
    if (holdsWhole(proxyRes, state?.bodySize ?? null)) {
      readWhole(proxyRes, (body) => {
        if (res.headersSent || res.destroyed) return
        sendHead()
        res.end(body)
      })
      proxyRes.once('close', () => {
        if (!proxyRes.complete) fail(new Error('legacy connection closed before its answer was complete'), req, res)
      })
      return
    }
    sendHead()
    relayBody(proxyRes, res, responseBuffer, {
      spool: !stream,
      onSpoolError: (error) => logger.error({ requestId: state?.requestId, err: { message: error.message } }, 'response spool failed; client response cut'),
    })
    proxyRes.once('close', () => {
      state?.finish()
      // A legacy response that ended early (worker died, timeout) must not look complete to the client.
      if (proxyRes.complete || res.writableFinished) return
      if (state && !state.failed) {
        state.failed = true
        logger.warn({ requestId: state.requestId, method: req.method, url: req.url }, 'legacy response cut short')
      }
      res.destroy()
    })
  }
}

// http-proxy emits 'proxyReq' from the upstream request's 'socket' event: the socket is assigned and the
// request line and headers are not written yet, so they can still be set here.
function prepareUpstreamRequest(proxyReq: ClientRequest, req: IncomingMessage, res: ServerResponse, origin: URL, options: LegacyProxyOptions): void {
  const state = inFlight.get(req)
  const incoming = state?.incoming ?? req
  // The raw request target, untouched: http-proxy joins target and path and merges repeated slashes, which
  // would turn a URL the legacy app redirects (`/api//dashboard`) into one it serves.
  proxyReq.path = incoming.url ?? '/'
  const headers = upstreamRequestHeaders(incoming, { legacyHost: origin.host, requestId: state?.requestId ?? '', bodyLength: state?.bodySize ?? null })
  for (const name of proxyReq.getHeaderNames()) {
    // Removing these two would switch off Node's own body framing and keep-alive handling for this request.
    if (name in headers || name === 'transfer-encoding' || name === 'connection') continue
    proxyReq.removeHeader(name)
  }
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) proxyReq.setHeader(name, value)
  // The client's Connection header (and what it names) is hop-by-hop; this connection is the agent's.
  proxyReq.setHeader('connection', options.keepAlive === false ? 'close' : 'keep-alive')

  armTimeouts(proxyReq, options)
  proxyReq.once('close', () => state?.finish())
  // The client went away before the legacy app was done: close the legacy request too, so a streaming
  // legacy worker stops instead of producing for nobody.
  res.once('close', () => {
    if (res.writableFinished || proxyReq.destroyed || state?.upstreamDone) return
    if (state) state.failed = true
    options.logger.info({ requestId: state?.requestId, method: incoming.method, url: incoming.url }, 'client closed the connection; legacy request closed')
    proxyReq.destroy()
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

/**
 * What http-proxy is handed in place of the client's request: its method, target and headers, with the
 * buffered body as the stream to send (the client's own stream is already read). Framing is the proxy's:
 * a known length, never the client's Transfer-Encoding.
 */
function standIn(incoming: IncomingMessage, body: BufferedBody | null): IncomingMessage {
  const stream = body ? body.stream() : Readable.from([])
  const headers = { ...incoming.headers }
  delete headers['transfer-encoding']
  // Node has already answered `100 Continue` to the client; and http-proxy skips its `proxyReq` event
  // (where our header policy applies) for requests that still carry `Expect`.
  delete headers.expect
  if (body) headers['content-length'] = String(body.size)
  return Object.assign(stream, {
    method: incoming.method,
    url: incoming.url,
    headers,
    rawHeaders: incoming.rawHeaders,
    httpVersion: incoming.httpVersion,
    httpVersionMajor: incoming.httpVersionMajor,
    httpVersionMinor: incoming.httpVersionMinor,
    socket: incoming.socket,
    connection: incoming.socket,
  }) as unknown as IncomingMessage
}

/** EventSource always sends `Accept: text/event-stream`; such requests take a slot in the streams pool. */
function isStreamRequest(incoming: IncomingMessage): boolean {
  return /\btext\/event-stream\b/i.test(String(incoming.headers.accept ?? ''))
}

function isEventStream(response: IncomingMessage): boolean {
  return /^\s*text\/event-stream\b/i.test(String(response.headers['content-type'] ?? ''))
}

/** A browser loading a page (not the app's own `fetch` of `/api/...`): it gets HTML error pages. */
function isNavigation(c: Context<GatewayEnv>): boolean {
  const target = c.env.incoming.url ?? '/'
  if (/^(?:[a-z][a-z0-9+.-]*:\/\/[^/]*)?\/api(?:\/|$|\?)/i.test(target)) return false
  return accepts(c, { header: 'Accept', supports: ['text/html', 'application/json'], default: 'application/json' }) === 'text/html'
}

/** The legacy app's own 413 (Flask's MAX_CONTENT_LENGTH), and the proxy's 408/501. */
function bodyFailure(status: 408 | 413 | 501, incoming: IncomingMessage, requestId: string): ProxyFailure {
  if (status === 413) return legacyTooLarge(incoming.url ?? '/', requestId)
  const erro = status === 408 ? 'O envio da requisição demorou demais' : 'Codificação de transferência não suportada'
  return { status, body: { erro, requestId }, closeConnection: true }
}
