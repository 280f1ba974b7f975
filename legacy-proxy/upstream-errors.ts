import type { ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { errorPage } from './error-page.js'

/** Raised by the proxy's own timers, so the error handler can tell a slow legacy app from a dead one. */
export class UpstreamTimeoutError extends Error {
  readonly code = 'GATEWAY_UPSTREAM_TIMEOUT'
  constructor(readonly phase: 'connect' | 'response', readonly timeoutMs: number) {
    super(`legacy app ${phase} timed out after ${timeoutMs} ms`)
  }
}

/** An answer the proxy gives itself instead of the legacy app's: `{"erro", "requestId"}` like the gateway's own errors. */
export type ProxyFailure = {
  status: 408 | 413 | 501 | 502 | 503 | 504
  body: { erro: string; requestId: string }
  headers?: Record<string, string>
  /** The client's connection cannot be reused (its request body was not read to the end). */
  closeConnection?: boolean
}
/** Kept for the shadow/dispatch callers that only know the upstream failures. */
export type UpstreamFailure = ProxyFailure

export function describeUpstreamFailure(error: unknown, requestId: string): ProxyFailure {
  if (error instanceof UpstreamTimeoutError && error.phase === 'response') {
    return { status: 504, body: { erro: 'O sistema legado não respondeu a tempo', requestId } }
  }
  return { status: 502, body: { erro: 'Sistema legado indisponível', requestId } }
}

export function overloaded(requestId: string, retryAfterSeconds: number): ProxyFailure {
  return {
    status: 503,
    body: { erro: 'Sistema legado sobrecarregado; tente novamente em instantes', requestId },
    headers: { 'retry-after': String(retryAfterSeconds) },
  }
}

/**
 * Writes the error unless the legacy response had already started (then the only option is to cut it).
 * `html`: the client is a browser navigating to a page, which gets a small page in Portuguese instead of
 * raw JSON (same status); API calls keep the JSON body.
 */
export function sendUpstreamFailure(res: ServerResponse | Socket, failure: ProxyFailure, html = false): void {
  if (!('writeHead' in res) || res.headersSent) {
    res.destroy()
    return
  }
  if (res.destroyed || res.writableEnded) return
  const page = html ? errorPage(failure.status, failure.body.erro, failure.body.requestId) : undefined
  const body = page ?? JSON.stringify(failure.body)
  res.writeHead(failure.status, {
    ...failure.headers,
    'content-type': page ? 'text/html; charset=utf-8' : 'application/json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...(failure.closeConnection ? { connection: 'close' } : {}),
  })
  res.end(body)
}
