import type { ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

/** Raised by the proxy's own timers, so the error handler can tell a slow legacy app from a dead one. */
export class UpstreamTimeoutError extends Error {
  readonly code = 'GATEWAY_UPSTREAM_TIMEOUT'
  constructor(readonly phase: 'connect' | 'response', readonly timeoutMs: number) {
    super(`legacy app ${phase} timed out after ${timeoutMs} ms`)
  }
}

export type UpstreamFailure = { status: 502 | 504; body: { erro: string; requestId: string } }

export function describeUpstreamFailure(error: unknown, requestId: string): UpstreamFailure {
  if (error instanceof UpstreamTimeoutError && error.phase === 'response') {
    return { status: 504, body: { erro: 'O sistema legado não respondeu a tempo', requestId } }
  }
  return { status: 502, body: { erro: 'Sistema legado indisponível', requestId } }
}

/** Writes the JSON error unless the legacy response had already started (then the only option is to cut it). */
export function sendUpstreamFailure(res: ServerResponse | Socket, failure: UpstreamFailure): void {
  if (!('writeHead' in res)) {
    res.destroy()
    return
  }
  if (res.headersSent) {
    res.destroy()
    return
  }
  const body = JSON.stringify(failure.body)
  res.writeHead(failure.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  })
  res.end(body)
}

