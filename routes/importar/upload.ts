import { createHash, randomBytes } from 'node:crypto'
import { createWriteStream, type WriteStream } from 'node:fs'
import { unlink } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import busboy from 'busboy'
import { parseOptionsHeader } from '../../compat/werkzeug/accept.js'

/** The legacy app's request limits: Flask's MAX_CONTENT_LENGTH (set to 32 MiB there) and Werkzeug 3.1's form defaults. */
export type UploadLimits = {
  /** MAX_CONTENT_LENGTH: a larger body is 413. */
  maxContentLength: number
  /** MAX_FORM_MEMORY_SIZE (500,000): a non-file field (or a urlencoded body) larger than this is 413. */
  maxFormMemorySize: number
  /** MAX_FORM_PARTS (1,000): more multipart parts are 413. */
  maxFormParts: number
}

export type Upload =
  | { kind: 'too-large' }
  /** `request.files.get("arquivo")` is None or has an empty filename (also: not multipart, malformed multipart). */
  | { kind: 'no-file' }
  | { kind: 'file'; file: UploadedFile; bytes: number; sha256: string; cleanup: () => Promise<void> }

/** Where the file's bytes are: a temp file, or memory for a small request (Werkzeug's BytesIO). */
export type UploadedFile = { path: string } | { bytes: Buffer }

/**
 * Werkzeug's `default_stream_factory`: a request whose declared length is at most 500 KiB keeps its file in
 * memory (BytesIO), a larger or chunked one spools it to a temporary file.
 */
const IN_MEMORY_MAX_BYTES = 1024 * 500

class TooLarge extends Error {}

/**
 * Reads the request as Werkzeug's form parser does for `request.files`, streaming: the first file part
 * named `arquivo` is kept in memory or written to a temporary file (as Werkzeug spools it: IN_MEMORY_MAX_BYTES)
 * and hashed on the way; nothing
 * else is kept. Like Werkzeug with `silent=True`, a malformed multipart body yields no files at all.
 */
export async function readUpload(request: Request, limits: UploadLimits): Promise<Upload> {
  const declared = request.headers.get('content-length')
  if (declared !== null && Number(declared) > limits.maxContentLength) return { kind: 'too-large' }
  const { value: mimetype } = parseOptionsHeader(request.headers.get('content-type') ?? '')
  const type = mimetype.toLowerCase()
  if (!request.body) return { kind: 'no-file' }
  const body = Readable.fromWeb(request.body as import('node:stream/web').ReadableStream<Uint8Array>)
  const counted = countBytes(limits.maxContentLength)

  if (type === 'application/x-www-form-urlencoded' || type === 'application/x-url-encoded') {
    // Parsed into request.form (never files); only its size can change the answer.
    let size = 0
    try {
      for await (const chunk of body.pipe(counted)) {
        size += (chunk as Buffer).length
        if (size > limits.maxFormMemorySize) throw new TooLarge()
      }
    } catch (error) {
      body.destroy()
      if (error instanceof TooLarge) return { kind: 'too-large' }
      throw error
    }
    return { kind: 'no-file' }
  }
  if (type !== 'multipart/form-data') return { kind: 'no-file' }

  let parser: busboy.Busboy
  try {
    parser = busboy({
      headers: { 'content-type': request.headers.get('content-type')! },
      limits: { parts: limits.maxFormParts, fieldSize: limits.maxFormMemorySize, fieldNameSize: limits.maxFormMemorySize },
      preservePath: true,
    })
  } catch {
    body.destroy()
    return { kind: 'no-file' } // no boundary: Werkzeug's ValueError, silenced
  }

  // One file, created exclusively and private to this user (a directory per upload cost three more system calls).
  const target = path.join(os.tmpdir(), `importar-${process.pid}-${randomBytes(8).toString('hex')}`)
  let writer: WriteStream | undefined
  // The file stream closed first: it opens the file asynchronously, and must not create it after the rm.
  const cleanup = async () => {
    if (writer && !writer.closed) {
      const closed = new Promise<void>((resolve) => writer!.once('close', () => resolve()))
      writer.destroy()
      await closed
    }
    await unlink(target).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error
    })
  }
  const inMemory = declared !== null && Number(declared) <= IN_MEMORY_MAX_BYTES
  type Spooled = { file: UploadedFile; bytes: number; sha256: string }
  let file: { done: Promise<Spooled> } | undefined
  try {
    const parsed = new Promise<void>((resolve, reject) => {
      parser.on('file', (name, stream, info) => {
        if (name === 'arquivo' && info.filename !== undefined && !file) {
          const hash = createHash('sha256')
          let bytes = 0
          if (inMemory) {
            const chunks: Buffer[] = []
            const done = new Promise<Spooled>((resolveFile, rejectFile) => {
              stream.on('data', (chunk: Buffer) => {
                hash.update(chunk)
                bytes += chunk.length
                chunks.push(chunk)
              })
              stream.once('end', () => resolveFile({ file: { bytes: Buffer.concat(chunks) }, bytes, sha256: hash.digest('hex') }))
              stream.once('error', rejectFile)
            })
            done.catch(() => undefined)
            file = { done }
            return
          }
          const hashing = new Transform({
            transform(chunk: Buffer, _encoding, callback) {
              hash.update(chunk)
              bytes += chunk.length
              callback(null, chunk)
            },
          })
          const done = pipeline(stream, hashing, (writer = createWriteStream(target, { flags: 'wx', mode: 0o600 }))).then(() => ({ file: { path: target }, bytes, sha256: hash.digest('hex') }))
          done.catch(() => undefined)
          file = { done }
          return
        }
        if (info.filename === undefined) {
          // application/octet-stream without a filename: busboy calls it a file, Werkzeug a form field.
          let size = 0
          stream.on('data', (chunk: Buffer) => {
            size += chunk.length
            if (size > limits.maxFormMemorySize) reject(new TooLarge())
          })
          return
        }
        stream.resume()
      })
      // busboy reports `filename=""` parts as fields (Werkzeug: files with an empty name); either way no file.
      parser.on('field', (_name, _value, info) => {
        if (info.valueTruncated) reject(new TooLarge())
      })
      parser.on('partsLimit', () => reject(new TooLarge()))
      parser.on('error', reject)
      parser.on('close', resolve)
    })
    await Promise.all([parsed, pipeline(body, counted, parser)])
    if (!file) {
      await cleanup()
      return { kind: 'no-file' }
    }
    const spooled = await (file as { done: Promise<Spooled> }).done
    return { kind: 'file', ...spooled, cleanup }
  } catch (error) {
    body.destroy()
    await cleanup()
    if (error instanceof TooLarge) return { kind: 'too-large' }
    // A malformed multipart body: Werkzeug's parser raises ValueError, which request.files silences.
    return { kind: 'no-file' }
  }
}

/** Passes bytes through, failing once more than `limit` went by (Werkzeug's LimitedStream on MAX_CONTENT_LENGTH). */
function countBytes(limit: number): Transform {
  let total = 0
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      total += chunk.length
      callback(total > limit ? new TooLarge() : null, chunk)
    },
  })
}
