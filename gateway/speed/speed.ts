import { promisify } from 'node:util'
import { brotliCompress, constants, gzip } from 'node:zlib'
import type { Context, MiddlewareHandler } from 'hono'
import { accepts } from 'hono/accepts'
import { parseAccept, type Accept } from 'hono/utils/accept'
import type { GatewayEnv } from '../../core/env.js'
import { sentByProxy } from '../../core/response-info.js'
import { bodyEtag } from '../../core/response-cache.js'
import { jsonBodyOf } from '../../core/json-body.js'

const brotli = promisify(brotliCompress)
const gzipAsync = promisify(gzip)
/** Below this, compression costs more than the bytes it saves. */
const MIN_COMPRESS_BYTES = 1024
const BROTLI_OPTIONS = { params: { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } }
const GZIP_OPTIONS = { level: 6 }
/** Compressed bodies by ETag + encoding: an unchanged (or cached) body is compressed once, not per request. */
const MEMO_ENTRIES = 64
const MEMO_MAX_BYTES = 2 * 1024 * 1024

export type SpeedOptions = { etag: boolean; compression: boolean }
type Encoding = 'br' | 'gzip'

/**
 * ETag + 304 and gzip/brotli for the gateway's own JSON responses (main app only: shadow mode runs the
 * migrated sub-app directly and compares uncompressed bodies). Proxied responses pass untouched.
 * - ETag: weak, on GET 200s; `304` only when the request's If-None-Match names it (the legacy app sends no
 *   ETag, so clients that never send If-None-Match see exactly the old exchange plus one header).
 * - Compression: the coding Accept-Encoding weighs highest (`br` on a tie), when the body is ≥ 1 KiB.
 */
export function speed(options: SpeedOptions): MiddlewareHandler<GatewayEnv> {
  const memo = new Map<string, Buffer>()
  return async (c, next) => {
    await next()
    if (!options.etag && !options.compression) return
    if (sentByProxy(c) || c.res.status !== 200 || (c.req.method !== 'GET' && c.req.method !== 'HEAD')) return
    const json = jsonBodyOf(c.res)
    if (!json) return
    const headers = c.res.headers
    let etag = headers.get('etag') ?? json.etag
    if (options.etag) {
      etag ??= bodyEtag(json.text)
      if (ifNoneMatchIncludes(c.req.header('if-none-match'), etag)) {
        const notModified = new Headers(headers)
        for (const name of ['content-type', 'content-length', 'content-encoding']) notModified.delete(name)
        notModified.set('etag', etag)
        if (options.compression) notModified.append('vary', 'Accept-Encoding')
        c.res = undefined
        c.res = new Response(null, { status: 304, headers: notModified })
        return
      }
      headers.set('etag', etag)
    }
    if (!options.compression || json.text.length < MIN_COMPRESS_BYTES) return
    headers.append('vary', 'Accept-Encoding')
    const encoding = negotiate(c)
    if (!encoding) return
    const memoKey = etag ? `${encoding}:${etag}` : undefined
    let compressed = memoKey ? memo.get(memoKey) : undefined
    if (!compressed) {
      compressed = encoding === 'br' ? await brotli(json.text, BROTLI_OPTIONS) : await gzipAsync(json.text, GZIP_OPTIONS)
      if (memoKey && compressed.length <= MEMO_MAX_BYTES) {
        if (memo.size >= MEMO_ENTRIES) memo.delete(memo.keys().next().value!)
        memo.set(memoKey, compressed)
      }
    }
    const out = new Headers(headers)
    out.set('content-encoding', encoding)
    out.delete('content-length')
    c.res = undefined
    c.res = new Response(c.req.method === 'HEAD' ? null : new Uint8Array(compressed.buffer, compressed.byteOffset, compressed.length), { status: 200, headers: out })
  }
}

function ifNoneMatchIncludes(header: string | undefined, etag: string): boolean {
  if (!header) return false
  if (header.trim() === '*') return true
  const opaque = etag.replace(/^W\//, '')
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === opaque)
}

/**
 * Content negotiation of Accept-Encoding with hono/accepts: the supported coding with the highest q-value
 * (an explicit one, else `*`'s; `q=0` refuses it), brotli first only when the client weighs both the same —
 * so `br;q=0.5, gzip;q=1` gets gzip and `gzip, br` gets brotli.
 */
export function chooseEncoding(accepted: Accept[]): Encoding | '' {
  const weight = (coding: Encoding) => {
    const explicit = accepted.find((a) => a.type.toLowerCase() === coding)
    return explicit ? explicit.q : (accepted.find((a) => a.type === '*')?.q ?? 0)
  }
  const br = weight('br')
  const gz = weight('gzip')
  if (br > 0 && br >= gz) return 'br'
  return gz > 0 ? 'gzip' : ''
}

const ENCODINGS: Encoding[] = ['br', 'gzip']
const negotiate = (c: Context) => (accepts(c, { header: 'Accept-Encoding', supports: ENCODINGS, default: '', match: chooseEncoding }) || undefined) as Encoding | undefined

/** The same decision from a header value (tests, tools). */
export function pickEncoding(header: string | undefined): Encoding | undefined {
  return header ? chooseEncoding(parseAccept(header)) || undefined : undefined
}
