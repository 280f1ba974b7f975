import type { IncomingMessage } from 'node:http'
import type { FileHandle } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { openTempFile } from './temp-file.js'

/**
 * A proxied request body, read whole before the legacy app sees the request (nginx's
 * `proxy_request_buffering on`): a gunicorn sync worker is busy from the moment a request reaches it, so a
 * client trickling its body must only ever cost the gateway a buffer, never a worker. Small bodies stay in
 * memory; larger ones go to a temp file that is unlinked as soon as it is opened, so nothing is left behind
 * even if the process dies.
 */
export type BufferedBody = {
  readonly size: number
  /** A fresh stream of the body (each call starts at byte 0). */
  stream(): Readable
  /** Frees the memory / closes the temp file. */
  dispose(): Promise<void>
}

export type BodyLimits = {
  /** Bytes kept in memory before spooling to a temp file (nginx client_body_buffer_size). */
  memoryBytes: number
  /** Largest body accepted; 413 beyond (the legacy app's MAX_CONTENT_LENGTH). */
  maxBytes: number
  /** Silence allowed between two reads of the body; 408 beyond (nginx client_body_timeout). */
  idleTimeoutMs: number
  tempDir?: string | undefined
}

export type BodyOutcome =
  | { ok: true; body: BufferedBody | null }
  | { ok: false; status: 408 | 413 | 501; reason: string }
  /** The client went away (or its stream failed) before the body was complete: nobody to answer. */
  | { ok: false; status: 0; reason: string }

/** Whether the request announces a body at all (RFC 9112 §6.3: Content-Length or Transfer-Encoding). */
export function announcesBody(incoming: IncomingMessage): boolean {
  if (incoming.headers['transfer-encoding'] !== undefined) return true
  const length = incoming.headers['content-length']
  return length !== undefined && length !== '0'
}

export function memoryBody(bytes: Uint8Array): BufferedBody {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return { size: buffer.length, stream: () => Readable.from([buffer]), dispose: async () => {} }
}

/** Reads the whole body of `incoming` within the limits. */
export async function readRequestBody(incoming: IncomingMessage, limits: BodyLimits): Promise<BodyOutcome> {
  const encoding = incoming.headers['transfer-encoding']
  // Node's parser only removes `chunked`; any other coding (`gzip, chunked`) would reach the legacy app
  // still applied, with nothing saying so once the framing is ours. gunicorn answers these 501 too.
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'chunked') {
    return { ok: false, status: 501, reason: `unsupported transfer coding: ${encoding}` }
  }
  if (!announcesBody(incoming)) return { ok: true, body: null }
  const declared = Number(incoming.headers['content-length'] ?? NaN)
  if (declared > limits.maxBytes) return { ok: false, status: 413, reason: `declared body of ${declared} bytes` }
  return collect(incoming, limits)
}

function collect(incoming: IncomingMessage, limits: BodyLimits): Promise<BodyOutcome> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    let file: Promise<FileHandle> | undefined
    let writes: Promise<unknown> = Promise.resolve()
    let pendingWrites = 0
    let done = false

    const finish = (outcome: BodyOutcome) => {
      if (done) return
      done = true
      clearTimeout(timer)
      incoming.off('data', onData)
      incoming.off('end', onEnd)
      incoming.off('error', onGone)
      incoming.off('aborted', onGone)
      incoming.off('close', onClose)
      if (!outcome.ok || outcome.body === null) void file?.then((handle) => handle.close()).catch(() => {})
      resolve(outcome)
    }
    const fail = (status: 408 | 413 | 0, reason: string) => {
      // Stop reading; the answer says `Connection: close`, so the unread rest never matters.
      incoming.pause()
      finish({ ok: false, status, reason })
    }

    let timer = setTimeout(() => fail(408, 'client body timeout'), limits.idleTimeoutMs)
    const onData = (chunk: Buffer) => {
      clearTimeout(timer)
      timer = setTimeout(() => fail(408, 'client body timeout'), limits.idleTimeoutMs)
      size += chunk.length
      if (size > limits.maxBytes) return fail(413, `body over ${limits.maxBytes} bytes`)
      if (!file && size <= limits.memoryBytes) {
        chunks.push(chunk)
        return
      }
      if (!file) {
        file = openTempFile(limits.tempDir, 'body')
        chunks.push(chunk)
        const spilled = Buffer.concat(chunks)
        chunks.length = 0
        append(spilled)
      } else append(chunk)
    }
    const append = (data: Buffer) => {
      pendingWrites++
      // Writes are chained, so the file holds the chunks in order; the client waits while the disk catches up.
      incoming.pause()
      writes = writes
        .then(() => file!)
        .then((handle) => handle.write(data))
        .then(() => {
          pendingWrites--
          if (pendingWrites === 0 && !done) incoming.resume()
        })
      writes.catch((error: unknown) => {
        if (!done) {
          incoming.destroy()
          finish({ ok: false, status: 0, reason: `temp file write failed: ${(error as Error).message}` })
        }
      })
    }
    const onEnd = () => {
      clearTimeout(timer)
      if (!file) {
        const buffer = Buffer.concat(chunks)
        return finish({ ok: true, body: memoryBody(buffer) })
      }
      const handle = file
      void writes.then(
        async () => finish({ ok: true, body: fileBody(await handle, size) }),
        () => {},
      )
    }
    const onGone = () => finish({ ok: false, status: 0, reason: 'client closed the connection during the body' })
    const onClose = () => {
      if (!incoming.complete) onGone()
    }
    incoming.on('data', onData)
    incoming.once('end', onEnd)
    incoming.once('error', onGone)
    incoming.once('aborted', onGone)
    incoming.once('close', onClose)
  })
}

function fileBody(handle: FileHandle, size: number): BufferedBody {
  return {
    size,
    stream: () => handle.createReadStream({ start: 0, autoClose: false, highWaterMark: 64 * 1024 }),
    dispose: () => handle.close().catch(() => {}),
  }
}
