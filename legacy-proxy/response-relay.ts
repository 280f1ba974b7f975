import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FileHandle } from 'node:fs/promises'
import { openTempFile } from './temp-file.js'

export type ResponseBufferLimits = {
  /** Bytes held in memory ahead of a slow client (Node's own write buffer of the client response). */
  memoryBytes: number
  /** Largest temp file per response beyond that (nginx proxy_max_temp_file_size); 0 = no spooling. */
  tempFileMaxBytes: number
  tempDir?: string | undefined
}

const READ_BLOCK = 64 * 1024
/** Chunks queued for the temp file at most, before the legacy response is paused until the disk catches up. */
const MAX_PENDING_WRITES = 8

/**
 * Relays a legacy response body to the client the way nginx's `proxy_buffering on` does: the legacy app is
 * read as fast as it writes, whatever the client's pace, so a gunicorn sync worker is done with a response
 * as soon as it has produced it. Bytes go to the client as soon as it takes them (streams stay streams);
 * what it has not taken yet waits in memory up to `memoryBytes`, then in an anonymous temp file up to
 * `tempFileMaxBytes`. Only beyond both does the legacy app wait for the client (backpressure), like nginx
 * past its temp-file limit. `spool: false` (Server-Sent Events) never touches the disk: a stream that far
 * behind is throttled instead.
 */
export function relayBody(
  upstream: IncomingMessage,
  res: ServerResponse,
  limits: ResponseBufferLimits,
  options: { spool: boolean; onSpoolError(error: Error): void },
): void {
  let spool: Promise<FileHandle> | undefined
  let writes: Promise<unknown> = Promise.resolve()
  let writeOffset = 0 // bytes handed to the file
  let flushedOffset = 0 // bytes the file holds (writes complete in order)
  let readOffset = 0 // bytes sent on from the file
  let pendingWrites = 0
  let pausedForFile = false
  let waitingDrain = false
  let reading = false
  let ended = false
  let finished = false

  const overMemory = () => res.writableLength > limits.memoryBytes
  const finish = () => {
    if (finished) return
    finished = true
    void spool?.then((handle) => handle.close()).catch(() => {})
  }
  const failSpool = (error: Error) => {
    if (finished) return
    finish()
    options.onSpoolError(error)
    upstream.destroy()
    res.destroy()
  }
  const whenDrained = (then: () => void) => {
    if (waitingDrain) return
    waitingDrain = true
    res.once('drain', () => {
      waitingDrain = false
      then()
    })
  }

  const pump = async (): Promise<void> => {
    if (reading || finished || !spool) return
    reading = true
    try {
      const handle = await spool
      while (!finished && readOffset < flushedOffset) {
        if (overMemory()) {
          whenDrained(() => void pump())
          return
        }
        const length = Math.min(READ_BLOCK, flushedOffset - readOffset)
        const { bytesRead, buffer } = await handle.read(Buffer.allocUnsafe(length), 0, length, readOffset)
        if (finished) return
        if (bytesRead === 0) throw new Error('response spool ended early')
        readOffset += bytesRead
        res.write(buffer.subarray(0, bytesRead))
      }
      if (finished || readOffset !== flushedOffset || pendingWrites > 0) return
      if (ended) {
        finish()
        res.end()
      } else if (pausedForFile) {
        // The client caught up with a full file: start it over and let the legacy app write again.
        readOffset = flushedOffset = writeOffset = 0
        pausedForFile = false
        upstream.resume()
      }
    } catch (error) {
      failSpool(error as Error)
    } finally {
      reading = false
    }
  }

  upstream.on('data', (chunk: Buffer) => {
    if (finished) return
    if (!spool) {
      res.write(chunk)
      if (!overMemory()) return
      if (options.spool && limits.tempFileMaxBytes > 0) {
        spool = openTempFile(limits.tempDir, 'response')
        spool.catch(failSpool)
      } else {
        upstream.pause()
        whenDrained(() => upstream.resume())
      }
      return
    }
    const position = writeOffset
    writeOffset += chunk.length
    pendingWrites++
    // The disk may be slower than the legacy app: chunks queued for the file are memory too, so bound them.
    if (pendingWrites >= MAX_PENDING_WRITES) upstream.pause()
    writes = writes
      .then(() => spool!)
      .then((handle) => handle.write(chunk, 0, chunk.length, position))
      .then(() => {
        pendingWrites--
        flushedOffset = position + chunk.length
        if (pendingWrites < MAX_PENDING_WRITES && !pausedForFile && !finished) upstream.resume()
        void pump()
      })
    writes.catch(failSpool)
    if (writeOffset >= limits.tempFileMaxBytes) {
      pausedForFile = true
      upstream.pause()
    }
  })
  upstream.once('end', () => {
    ended = true
    if (finished) return
    if (!spool) {
      finish()
      res.end()
    } else void pump()
  })
  res.once('close', finish)
}
