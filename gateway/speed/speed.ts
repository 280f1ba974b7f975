import { promisify } from 'node:util'
import { brotliCompress, constants, gzip } from 'node:zlib'
import type { Context, MiddlewareHandler } from 'hono'
import { accepts } from 'hono/accepts'
import { parseAccept, type Accept } from 'hono/utils/accept'
import type { GatewayEnv } from '../../core/env.js'
import { sentByProxy } from '../../core/response-info.js'
import { bodyEtag } from '../../core/response-cache.js'
import { knownJsonText } from '../../core/legacy-json.js'

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
 * ETag + 304 and gzip/brotli for the gateway's own JSON responses: the body text as its maker recorded it
 * (core/legacy-json.ts), else read back from the Response (a JSON body is always a complete string here;
 * streamed responses such as the CSV report are left alone).
 * Proxied responses pass untouched. Why not hono/etag and hono/compress: docs/proxy.md ("ETag and
 * compression").
 * - ETag: weak, on GET 200s; the response cache's own validator (its `etag` header) is used when present;
 *   `304` only when the request's If-None-Match names it (the legacy app sends no ETag, so clients that
 *   never send If-None-Match see exactly the old exchange plus one header).
 * - Compression: the coding Accept-Encoding weighs highest (`br` on a tie), when the body is ≥ 1 KiB.
 */
export function speed(options: SpeedOptions): MiddlewareHandler<GatewayEnv> {
  const memo = new Map<string, Buffer>()
  return async (c, next) => {
    await next()
    if (sentByProxy(c) || c.res.status !== 200 || (c.req.method !== 'GET' && c.req.method !== 'HEAD')) return
    if (!isJson(c.res)) return
    let etag = c.res.headers.get('etag') ?? undefined
    if (!options.etag) {
      c.res.headers.delete('etag')
      etag = undefined
    }
    if (!options.etag && !options.compression) return
    // Read only what is needed: a known ETag that matches, or a memoized compressed body, needs no text.
    let text: string | undefined
    const bodyText = async () => {
      text ??= knownJsonText(c.res)
      if (text === undefined) {
        // Read once, then put an equivalent string-bodied Response back (cheaper to send than a clone's stream).
        const { status, headers } = c.res
        text = await c.res.text()
        c.res = undefined
        c.res = new Response(text, { status, headers })
      }
      return text
    }
    if (options.etag) {
      etag ??= bodyEtag(await bodyText())
      if (ifNoneMatchIncludes(c.req.header('if-none-match'), etag)) {
        const notModified = new Headers(c.res.headers)
        for (const name of ['content-type', 'content-length', 'content-encoding']) notModified.delete(name)
        notModified.set('etag', etag)
        if (options.compression) notModified.append('vary', 'Accept-Encoding')
        await c.res.body?.cancel()
        c.res = undefined
        c.res = new Response(null, { status: 304, headers: notModified })
        return
      }
      c.res.headers.set('etag', etag)
    }
    if (!options.compression) return
    const memoKey = (encoding: Encoding) => (etag ? `${encoding}:${etag}` : undefined)
    const encoding = negotiate(c)
    let compressed = encoding ? memo.get(memoKey(encoding) ?? '') : undefined
    if (!compressed) {
      const body = await bodyText()
      if (body.length < MIN_COMPRESS_BYTES) return
      c.res.headers.append('vary', 'Accept-Encoding')
      if (!encoding) return
      compressed = encoding === 'br' ? await brotli(body, BROTLI_OPTIONS) : await gzipAsync(body, GZIP_OPTIONS)
      const key = memoKey(encoding)
      if (key && compressed.length <= MEMO_MAX_BYTES) {
        if (memo.size >= MEMO_ENTRIES) memo.delete(memo.keys().next().value!)
        memo.set(key, compressed)
      }
    } else c.res.headers.append('vary', 'Accept-Encoding')
    const out = new Headers(c.res.headers)
    out.set('content-encoding', encoding!)
    out.delete('content-length')
    await c.res.body?.cancel()
    c.res = undefined
    c.res = new Response(c.req.method === 'HEAD' ? null : new Uint8Array(compressed.buffer, compressed.byteOffset, compressed.length), { status: 200, headers: out })
  }
}

const isJson = (response: Response) => /^application\/json\b/i.test(response.headers.get('content-type') ?? '')

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
