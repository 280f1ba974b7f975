import type { IncomingMessage } from 'node:http'
import type { LegacyForwardInit } from '../core/dispatch.js'

/**
 * Copies the legacy response as it streams to the client (the client waits for nothing): the caller's
 * `done` gets status, content type and body once the legacy app has sent it all; the body is null when it
 * is content-encoded or over the limit (nothing beyond the limit is kept).
 */
export function copyResponse(response: IncomingMessage, copy: NonNullable<LegacyForwardInit['copy']>): void {
  const chunks: Buffer[] = []
  let size = 0
  let overflow = Boolean(response.headers['content-encoding'])
  response.on('data', (chunk: Buffer) => {
    if (overflow) return
    size += chunk.length
    if (size > copy.limitBytes) {
      overflow = true
      chunks.length = 0
    } else chunks.push(chunk)
  })
  response.once('end', () => {
    copy.done({ status: response.statusCode ?? 0, contentType: response.headers['content-type'], body: overflow ? null : Buffer.concat(chunks) })
  })
}
