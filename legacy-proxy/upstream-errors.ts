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
  /** Exact bytes to send instead of the JSON body (an answer that copies the legacy app's own). */
  verbatim?: { contentType: string; body: string }
}
/** Kept for the shadow/dispatch callers that only know the upstream failures. */
export type UpstreamFailure = ProxyFailure

export function describeUpstreamFailure(error: unknown, requestId: string): ProxyFailure {
  if (error instanceof UpstreamTimeoutError && error.phase === 'response') {
    return { status: 504, body: { erro: 'O sistema legado não respondeu a tempo', requestId } }
  }
  return { status: 502, body: { erro: 'Sistema legado indisponível', requestId } }
}

/**
 * The legacy app's own answer to a body over MAX_CONTENT_LENGTH, byte for byte: its JSON error under
 * `/api/`, Werkzeug's HTML page elsewhere (test/legacy-app/estoque/__init__.py).
 */
export function legacyTooLarge(target: string, requestId: string): ProxyFailure {
  const api = /^(?:[a-z][a-z0-9+.-]*:\/\/[^/]*)?\/api\//i.test(target)
  return {
    status: 413,
    body: { erro: 'Requisição muito grande', requestId },
    closeConnection: true,
    verbatim: api
      ? { contentType: 'application/json', body: '{"erro": "Requisi\\u00e7\\u00e3o muito grande"}\n' }
      : {
          contentType: 'text/html; charset=utf-8',
          body:
            '<!doctype html>\n<html lang=en>\n<title>413 Request Entity Too Large</title>\n<h1>Request Entity Too Large</h1>\n' +
            '<p>The data value transmitted exceeds the capacity limit.</p>\n',
        },
  }
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
  const body = failure.verbatim?.body ?? page ?? JSON.stringify(failure.body)
  res.writeHead(failure.status, {
    ...failure.headers,
    'content-type': failure.verbatim?.contentType ?? (page ? 'text/html; charset=utf-8' : 'application/json'),
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...(failure.closeConnection ? { connection: 'close' } : {}),
  })
  res.end(body)
}
