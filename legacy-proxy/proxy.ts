import http, { type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import type { Handler } from 'hono'
import type { GatewayEnv } from '../gateway/env.js'
import type { Logger } from '../gateway/observability/logger.js'
import { UPSTREAM_HEADER } from '../gateway/observability/response-info.js'
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
  logger: Logger
}

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
 * The legacy proxy as a Hono handler, working on the raw Node request/response that @hono/node-server (and
 * Vercel's Node runtime through getRequestListener) exposes as `c.env`. The request target is sent byte for
 * byte, bodies are streamed both ways with backpressure and never buffered, and the handler resolves once
 * the client's response is finished or closed. No middleware before this one may read the request body.
 * Behaviour and header policy: docs/proxy.md.
 */
export function legacyProxy(options: LegacyProxyOptions): Handler<GatewayEnv> {
  const forward = createForwarder(options)
  return async (c) => {
    const { incoming, outgoing } = c.env
    await forward(incoming, outgoing, c.get('requestId'))
    return RESPONSE_ALREADY_SENT
  }
}

type Forward = (incoming: IncomingMessage, outgoing: ServerResponse, requestId: string) => Promise<void>

function createForwarder(options: LegacyProxyOptions): Forward {
  const origin = new URL(options.target)
  if (origin.protocol !== 'http:') throw new Error(`legacy proxy: only http:// targets are supported, got ${options.target}`)
  const port = Number(origin.port || 80)
  // Keep-alive pays off with a keep-alive capable legacy server; gunicorn's sync workers close every
  // connection themselves, which the agent handles (it just opens a new one).
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64 })
  const { logger } = options

  return (incoming, outgoing, requestId) =>
    new Promise<void>((resolve) => {
      outgoing.setHeader(UPSTREAM_HEADER, 'legacy')
      outgoing.setHeader('x-request-id', requestId)
      // The client is already gone: nothing to forward. (`incoming` itself may be destroyed after a handler
      // read the body for a replay, so only the connection counts.)
      if (outgoing.closed || outgoing.destroyed || incoming.socket?.destroyed) return resolve()
      outgoing.once('close', () => resolve())

      let upstream: ClientRequest
      try {
        upstream = http.request({
          agent,
          host: origin.hostname,
          port,
          method: incoming.method,
          // The raw request target, untouched: no normalization, decoding or re-encoding.
          path: incoming.url ?? '/',
          headers: upstreamRequestHeaders(incoming, { legacyHost: origin.host, requestId }),
          setHost: false, // Host is in the headers above
        })
      } catch (error) {
        // Node refuses a few request targets the HTTP parser let through (none in practice): treat as unreachable.
        logger.warn({ requestId, method: incoming.method, url: incoming.url, err: { message: (error as Error).message } }, 'legacy request not sent')
        sendUpstreamFailure(outgoing, describeUpstreamFailure(error, requestId))
        return
      }

      let responded = false
      let failed = false
      function fail(error: unknown): void {
        if (failed) return
        failed = true
        const failure = describeUpstreamFailure(error, requestId)
        const err = error as NodeJS.ErrnoException
        logger.warn(
          { requestId, method: incoming.method, url: incoming.url, err: { message: err?.message, code: err?.code }, status: failure.status, responseStarted: responded },
          responded ? 'legacy response cut short' : 'legacy upstream failed',
        )
        upstream.destroy()
        sendUpstreamFailure(outgoing, failure)
      }

      // Connect timeout: from now (including a wait for a free agent socket) until the socket is connected.
      const connectTimer = setTimeout(() => upstream.destroy(new UpstreamTimeoutError('connect', options.connectTimeoutMs)), options.connectTimeoutMs)
      upstream.once('socket', (socket) => {
        if (!socket.connecting) clearTimeout(connectTimer)
        else socket.once('connect', () => clearTimeout(connectTimer))
      })
      upstream.once('close', () => clearTimeout(connectTimer))
      upstream.setTimeout(options.responseTimeoutMs, () =>
        upstream.destroy(new UpstreamTimeoutError('response', options.responseTimeoutMs)),
      )
      upstream.on('error', fail)

      // The client went away (disconnect, abort) before its response was complete: close the legacy
      // request too, so a streaming legacy worker stops instead of producing for nobody.
      outgoing.once('close', () => {
        if (outgoing.writableFinished || upstream.destroyed) return
        logger.info({ requestId, method: incoming.method, url: incoming.url }, 'client closed the connection; legacy request closed')
        failed = true
        upstream.destroy()
      })

      upstream.once('response', (response) => {
        responded = true
        if (outgoing.headersSent || outgoing.destroyed) {
          response.destroy()
          return
        }
        // Errors of the response stream are handled by its 'close' below (and logged by 'error' on the request).
        response.on('error', () => {})
        tapLegacyResponse(incoming, response)
        const headers = endToEndHeaders(response)
        const location = headers.location?.[0]
        if (location !== undefined) headers.location = [rewriteLocation(location, origin, incoming)]
        for (const [name, values] of Object.entries(headers)) outgoing.setHeader(name, values.length === 1 ? values[0]! : values)
        outgoing.setHeader(UPSTREAM_HEADER, 'legacy')
        outgoing.setHeader('x-request-id', requestId)
        outgoing.writeHead(response.statusCode ?? 502, response.statusMessage)
        // Streams with backpressure: a slow client slows the legacy app down instead of filling memory.
        response.pipe(outgoing)
        response.once('close', () => {
          // A legacy response that ended early (worker died, timeout) must not look complete to the client.
          if (!response.complete && !outgoing.writableFinished) {
            if (!failed) {
              failed = true
              logger.warn({ requestId, method: incoming.method, url: incoming.url }, 'legacy response cut short')
            }
            outgoing.destroy()
          }
        })
      })

      const replay = replayBodies.get(incoming)
      if (replay) {
        replayBodies.delete(incoming)
        upstream.end(replay)
      } else {
        incoming.pipe(upstream)
        incoming.once('error', () => upstream.destroy())
      }
    })
}
