import http from 'node:http'
import type { IncomingMessage } from 'node:http'
import { upstreamRequestHeaders } from '../../legacy-proxy/headers.js'
import type { SideAnswer } from './compare.js'

export type RefetchOptions = { legacyUrl: string; timeoutMs: number; limitBytes: number }

/**
 * The same GET asked of the legacy app again, directly (re-checks and noise probes): the headers the proxy
 * would send (cookie, user agent, forwarding chain — Flask-Login's session identifier depends on them),
 * captured now, while the client's request is at hand. The answer is read whole up to `limitBytes`
 * (null beyond, or when content-encoded); a failure or timeout rejects.
 */
export function legacyRefetch(incoming: IncomingMessage, rawTarget: string, requestId: string, options: RefetchOptions): () => Promise<SideAnswer> {
  const origin = new URL(options.legacyUrl)
  const headers = upstreamRequestHeaders(incoming, { legacyHost: origin.host, requestId: `${requestId}.shadow`, bodyLength: null })
  const path = rawTarget.startsWith('/') ? rawTarget : new URL(rawTarget).pathname + new URL(rawTarget).search
  return () =>
    new Promise<SideAnswer>((resolve, reject) => {
      const request = http.request(
        { protocol: origin.protocol, hostname: origin.hostname, port: origin.port, method: 'GET', path, headers, timeout: options.timeoutMs, agent: false },
        (response) => {
          const chunks: Buffer[] = []
          let size = 0
          let over = false
          response.on('data', (chunk: Buffer) => {
            size += chunk.length
            if (size > options.limitBytes) over = true
            else chunks.push(chunk)
          })
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              contentType: response.headers['content-type'],
              body: over || response.headers['content-encoding'] ? null : Buffer.concat(chunks),
            }),
          )
          response.on('error', reject)
        },
      )
      request.on('timeout', () => request.destroy(new Error(`legacy re-fetch timed out after ${options.timeoutMs} ms`)))
      request.on('error', reject)
      request.end()
    })
}
