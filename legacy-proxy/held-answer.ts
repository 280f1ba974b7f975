import type { IncomingMessage } from 'node:http'

/** Largest legacy answer that is read whole before its head goes to the client (see `holdsWhole`). */
export const HELD_ANSWER_MAX_BYTES = 64 * 1024

/**
 * Whether a legacy answer is read whole before its head is relayed: the answer to a request that carried a
 * body, framed by a Content-Length of at most HELD_ANSWER_MAX_BYTES. gunicorn may answer before reading an
 * upload (a 401) and close with the body unread; its kernel then resets the connection, and what the
 * gateway had not read yet is lost. Held, such an answer reaches the client whole or becomes the clean 502,
 * never a cut response that began as a 401. Small answers arrive at once, so holding them costs no wait.
 */
export function holdsWhole(response: IncomingMessage, requestBodySize: number | null): boolean {
  if (!requestBodySize) return false
  const length = Number(response.headers['content-length'] ?? Number.NaN)
  return Number.isInteger(length) && length <= HELD_ANSWER_MAX_BYTES
}

/** Collects the answer's body; `done` runs only if it arrives complete. */
export function readWhole(response: IncomingMessage, done: (body: Buffer) => void): void {
  const chunks: Buffer[] = []
  response.on('data', (chunk: Buffer) => chunks.push(chunk))
  response.once('end', () => done(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)))
}
