import { readSync } from 'node:fs'

/** Python's UnicodeDecodeError, as raised by a TextIOWrapper chunk decode. */
export class UnicodeDecodeError extends Error {}

/** CPython's TextIOWrapper reads its buffer in chunks of this size (`_CHUNK_SIZE`). */
const CHUNK_SIZE = 8192
const BOM = Buffer.from([0xef, 0xbb, 0xbf])

/**
 * The lines `io.TextIOWrapper(f, encoding="utf-8-sig", newline="")` yields from a file (or a BytesIO), decoded the way it
 * decodes them: the file is read and decoded in 8192-byte chunks; a chunk with an invalid (or, at the end,
 * incomplete) UTF-8 sequence raises UnicodeDecodeError as a whole, so the lines before it in that chunk are
 * never seen — which is what decides the line number the legacy importer reports. Lines end at `\n`,
 * `\r\n` or `\r` (kept); a `\r` ending a chunk waits for the next one (IncrementalNewlineDecoder).
 */
export function textLines(source: number | Buffer): () => string | undefined {
  // A file descriptor (an upload spooled to disk) or the bytes themselves (a small one kept in memory).
  const readAt = typeof source === 'number'
    ? (into: Buffer, at: number) => readSync(source, into, 0, into.length, at)
    : (into: Buffer, at: number) => (at >= source.length ? 0 : source.copy(into, 0, at, Math.min(at + into.length, source.length)))
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })
  const buffer = Buffer.alloc(CHUNK_SIZE)
  let position = 0
  let text = ''
  let eof = false
  let pendingCr = false

  const readChunk = (): boolean => {
    if (eof) return false
    let read = readAt(buffer, position)
    // utf_8_sig's decoder waits on fewer than 3 bytes that could start a BOM, and still waits at EOF: a file
    // that is only "\xef" or "\xef\xbb" decodes to nothing, not to an error.
    if (position === 0 && read > 0 && read < 3 && BOM.subarray(0, read).equals(buffer.subarray(0, read))) read = 0
    position += read
    let decoded: string
    try {
      decoded = read === 0 ? decoder.decode() : decoder.decode(buffer.subarray(0, read), { stream: true })
    } catch {
      eof = true
      throw new UnicodeDecodeError('utf-8 codec can\'t decode')
    }
    if (pendingCr) decoded = `\r${decoded}`
    pendingCr = read > 0 && decoded.endsWith('\r')
    if (pendingCr) decoded = decoded.slice(0, -1)
    text += decoded
    if (read === 0) eof = true
    return true
  }

  return () => {
    for (;;) {
      const end = lineEnd(text)
      if (end !== -1) {
        const line = text.slice(0, end)
        text = text.slice(end)
        return line
      }
      if (!readChunk()) {
        if (text === '') return undefined
        const line = text
        text = ''
        return line
      }
    }
  }
}

/** Index just past the first complete line ending, or -1. A final `\r` is complete only at EOF (held back). */
function lineEnd(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x0a) return i + 1
    if (c === 0x0d) {
      if (i + 1 < text.length) return text.charCodeAt(i + 1) === 0x0a ? i + 2 : i + 1
      return i + 1 // only possible at EOF: a chunk-final \r is held back by readChunk
    }
  }
  return -1
}
