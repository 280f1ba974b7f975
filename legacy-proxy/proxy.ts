import http, { type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import { createProxyMiddleware, type RequestHandler } from 'http-proxy-middleware'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import type { Handler } from 'hono'
import type { GatewayEnv } from '../gateway/env.js'
import type { Logger } from '../gateway/observability/logger.js'
import { UPSTREAM_HEADER } from '../gateway/observability/response-info.js'
import { UpstreamTimeoutError, describeUpstreamFailure, sendUpstreamFailure } from './upstream-errors.js'
import { tapLegacyResponse } from './capture.js'

export type LegacyProxyOptions = {
  target: string
  /** Time allowed to open the TCP connection to the legacy app (a dead host fails fast with 502). */
  connectTimeoutMs: number
  /** Time allowed for the legacy app to start answering (then 504). Streams may run longer once started. */
  responseTimeoutMs: number
  logger: Logger
}

const requestIds = new WeakMap<IncomingMessage, string>()

/**
 * The legacy proxy as a Hono handler: http-proxy-middleware works on the raw Node request/response, which
 * @hono/node-server (and Vercel's Node runtime through getRequestListener) exposes as `c.env`. The request
 * body is piped untouched, so no middleware before this one may read it.
 */
export function legacyProxy(options: LegacyProxyOptions): Handler<GatewayEnv> {
  const proxy = createLegacyProxyMiddleware(options)
  return async (c) => {
    const { incoming, outgoing } = c.env
    const requestId = c.get('requestId')
    requestIds.set(incoming, requestId)
    outgoing.setHeader(UPSTREAM_HEADER, 'legacy')
    outgoing.setHeader('x-request-id', requestId)
    await new Promise<void>((resolve) => {
      outgoing.once('close', resolve)
      void proxy(incoming, outgoing, (error?: unknown) => {
        // Only reached when the middleware declines the request, which it never does without a filter.
        sendUpstreamFailure(outgoing, describeUpstreamFailure(error, requestId))
      })
    })
    return RESPONSE_ALREADY_SENT
  }
}

function createLegacyProxyMiddleware(options: LegacyProxyOptions): RequestHandler<IncomingMessage, ServerResponse> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64 })
  return createProxyMiddleware<IncomingMessage, ServerResponse>({
    target: options.target,
    agent,
    changeOrigin: true,
    xfwd: true,
    autoRewrite: true,
    logger: undefined,
    on: {
      proxyReq: (proxyReq, req) => {
        const requestId = requestIds.get(req)
        if (requestId) proxyReq.setHeader('x-request-id', requestId)
        armTimeouts(proxyReq, options)
      },
      proxyRes: (proxyRes, req) => tapLegacyResponse(req, proxyRes),
      error: (error, req, res) => {
        const requestId = requestIds.get(req) ?? ''
        const failure = describeUpstreamFailure(error, requestId)
        options.logger.warn(
          { requestId, err: { message: error.message, code: (error as NodeJS.ErrnoException).code }, status: failure.status },
          'legacy upstream failed',
        )
        sendUpstreamFailure(res, failure)
      },
    },
  })
}

// http-proxy emits 'proxyReq' from the request's 'socket' event, so the socket is already assigned here.
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
