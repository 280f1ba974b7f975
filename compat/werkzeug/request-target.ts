/**
 * How the legacy stack turns a raw HTTP request target into what Werkzeug matches:
 * gunicorn 27 (http/message.py `parse_request_line`, util.py `split_request_uri`, http/wsgi.py `create`)
 * validates the request line, splits off query and fragment with `urllib.parse.urlsplit`, and percent-decodes
 * the path to bytes held in a latin-1 string (PATH_INFO); Werkzeug decodes that as UTF-8 with
 * errors="replace" and matches `"/" + path_info.lstrip("/")`.
 */
import { unquoteToLatin1, wsgiDecode } from './python.js'

export type WsgiTarget =
  | {
      ok: true
      /** PATH_INFO as gunicorn sets it: percent-decoded bytes, one latin-1 character per byte. */
      pathInfoWsgi: string
      /** QUERY_STRING as gunicorn sets it (still percent-encoded). */
      queryString: string
      /** What Werkzeug matches: PATH_INFO decoded as UTF-8 (errors="replace"). */
      pathInfo: string
    }
  | { ok: false; reason: string }

/** gunicorn's default `limit_request_line`: a longer request line is refused with 400. */
export const GUNICORN_LIMIT_REQUEST_LINE = 4094

const TOKEN_RE = /^[!#$%&'*+\-.^_`|~0-9a-zA-Z]+$/
const SCHEME_CHARS = /^[a-zA-Z0-9+\-.]+$/
const INVALID_TARGET_CHAR = /[^\x21-\x7e]/

export type GunicornOptions = {
  /** Request line limit (gunicorn `limit_request_line`); 0 means unlimited. Default 4094. */
  limitRequestLine?: number
  /** The HTTP version the request line carries when it reaches gunicorn (the proxy's). Default "HTTP/1.1". */
  httpVersion?: string
}

const methodVerdicts = new Map<string, boolean>()

/** RFC 9110 token, upper-case only, 3 to 20 characters (gunicorn with permit_unconventional_http_method off). */
function validMethod(method: string): boolean {
  let verdict = methodVerdicts.get(method)
  if (verdict === undefined) {
    verdict = !/[a-z#]/.test(method) && method.length >= 3 && method.length <= 20 && TOKEN_RE.test(method)
    // Node only lets its own list of methods through; the cap keeps the cache bounded whatever the caller.
    if (methodVerdicts.size < 256) methodVerdicts.set(method, verdict)
  }
  return verdict
}

/** The netloc checks of Python 3.11.7's `urlsplit` (unbalanced brackets; `_check_bracketed_host`). */
function checkNetloc(netloc: string): void {
  const open = netloc.includes('[')
  const close = netloc.includes(']')
  if (open !== close) throw new Error('Invalid IPv6 URL')
  if (!open) return
  const afterOpen = netloc.slice(netloc.indexOf('[') + 1)
  const hostname = afterOpen.includes(']') ? afterOpen.slice(0, afterOpen.indexOf(']')) : afterOpen
  if (hostname.startsWith('v')) {
    if (!/^v[a-fA-F0-9]+\..+$/.test(hostname)) throw new Error('IPvFuture address is invalid')
  } else if (!isIPv6(hostname)) {
    // ipaddress.ip_address: not an address at all, or an IPv4 address (refused in brackets).
    throw new Error(`'${hostname}' is not an IPv6 address`)
  }
}

/** `ipaddress.ip_address(text)` is an IPv6Address: Python's grammar (`_ip_int_from_string`), scope id included. */
function isIPv6(text: string): boolean {
  const percent = text.indexOf('%')
  if (percent >= 0) {
    const scope = text.slice(percent + 1)
    if (scope === '' || scope.includes('%')) return false
  }
  const parts = (percent >= 0 ? text.slice(0, percent) : text).split(':')
  if (parts.length < 3) return false
  if (parts[parts.length - 1]!.includes('.')) {
    const octets = parts.pop()!.split('.')
    const validOctet = (o: string) => /^[0-9]{1,3}$/.test(o) && Number(o) <= 255 && !(o.length > 1 && o[0] === '0')
    if (octets.length !== 4 || !octets.every(validOctet)) return false
    parts.push('0', '0')
  }
  if (parts.length > 9) return false
  let skip = -1
  for (let i = 1; i < parts.length - 1; i++) {
    if (parts[i] === '') {
      if (skip >= 0) return false
      skip = i
    }
  }
  let hextets: string[]
  if (skip >= 0) {
    let hi = skip
    let lo = parts.length - skip - 1
    if (parts[0] === '' && --hi !== 0) return false
    if (parts[parts.length - 1] === '' && --lo !== 0) return false
    if (8 - (hi + lo) < 1) return false
    hextets = [...parts.slice(0, hi), ...parts.slice(parts.length - lo)]
  } else {
    if (parts.length !== 8 || parts[0] === '' || parts[7] === '') return false
    hextets = parts
  }
  return hextets.every((h) => /^[0-9a-fA-F]{1,4}$/.test(h))
}

/** Python 3.11 `urllib.parse.urlsplit(uri)` → [path, query]; throws ValueError-like errors. */
function urlsplitPathQuery(uri: string): [string, string] {
  let url = uri
  const colon = url.indexOf(':')
  if (colon > 0 && /^[a-zA-Z]/.test(url) && SCHEME_CHARS.test(url.slice(0, colon))) url = url.slice(colon + 1)
  if (url.startsWith('//')) {
    let delim = url.length
    for (const c of '/?#') {
      const at = url.indexOf(c, 2)
      if (at >= 0) delim = Math.min(delim, at)
    }
    checkNetloc(url.slice(2, delim))
    url = url.slice(delim)
  }
  const hash = url.indexOf('#')
  if (hash >= 0) url = url.slice(0, hash)
  const q = url.indexOf('?')
  return q >= 0 ? [url.slice(0, q), url.slice(q + 1)] : [url, '']
}

/** gunicorn `split_request_uri`: a target starting with `//` is a path, not a network location. */
function splitRequestUri(uri: string): [string, string] {
  if (uri.startsWith('//')) {
    let url = uri
    const hash = url.indexOf('#')
    if (hash >= 0) url = url.slice(0, hash)
    const q = url.indexOf('?')
    return q >= 0 ? [url.slice(0, q), url.slice(q + 1)] : [url, '']
  }
  return urlsplitPathQuery(uri)
}

/**
 * The WSGI view of a request line as gunicorn builds it, or why gunicorn answers 400 instead.
 * `target` is the raw request target (Node's `req.url`: one character per byte).
 */
export function gunicornTarget(method: string, target: string, options: GunicornOptions = {}): WsgiTarget {
  const limit = options.limitRequestLine ?? GUNICORN_LIMIT_REQUEST_LINE
  const lineLength = method.length + 1 + target.length + 1 + (options.httpVersion ?? 'HTTP/1.1').length
  if (limit > 0 && lineLength > limit) return { ok: false, reason: 'request line too long' }
  if (!validMethod(method)) return { ok: false, reason: 'invalid method' }
  if (target.length === 0 || INVALID_TARGET_CHAR.test(target)) return { ok: false, reason: 'invalid request target' }
  if (target === '*' && method !== 'OPTIONS') return { ok: false, reason: 'asterisk-form without OPTIONS' }
  if (method !== 'CONNECT' && target !== '*' && !target.startsWith('/') && !target.includes('://')) {
    return { ok: false, reason: 'authority-form without CONNECT' }
  }
  let path: string
  let queryString: string
  try {
    ;[path, queryString] = splitRequestUri(target)
  } catch {
    return { ok: false, reason: 'unparsable request target' }
  }
  const pathInfoWsgi = unquoteToLatin1(path)
  return { ok: true, pathInfoWsgi, queryString, pathInfo: wsgiDecode(pathInfoWsgi) }
}
