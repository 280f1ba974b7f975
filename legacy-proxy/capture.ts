import type { IncomingMessage } from 'node:http'

export type CapturedResponse = {
  status: number
  contentType: string | undefined
  /** The body as the legacy app sent it; null when over the limit or content-encoded. */
  body: Buffer | null
}

type Capture = { limitBytes: number; result?: CapturedResponse }
const captures = new WeakMap<IncomingMessage, Capture>()

/**
 * Asks the proxy to keep a copy of the legacy response to this request (for shadow comparisons). The copy
 * is taken from the stream as it passes to the client, so the client waits for nothing.
 */
export function captureLegacyResponse(request: IncomingMessage, limitBytes: number): { result(): CapturedResponse | undefined } {
  const capture: Capture = { limitBytes }
  captures.set(request, capture)
  return { result: () => capture.result }
}

/** Called by the proxy with each upstream response. */
export function tapLegacyResponse(request: IncomingMessage, response: IncomingMessage): void {
  const capture = captures.get(request)
  if (!capture) return
  const encoded = Boolean(response.headers['content-encoding'])
  const chunks: Buffer[] = []
  let size = 0
  let overflow = encoded
  response.on('data', (chunk: Buffer) => {
    if (overflow) return
    size += chunk.length
    if (size > capture.limitBytes) {
      overflow = true
      chunks.length = 0
    } else chunks.push(chunk)
  })
  response.once('end', () => {
    capture.result = {
      status: response.statusCode ?? 0,
      contentType: response.headers['content-type'],
      body: overflow ? null : Buffer.concat(chunks),
    }
  })
}
