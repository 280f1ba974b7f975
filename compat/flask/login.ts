/**
 * What Flask-Login 0.6.3 (flask_login/utils.py, login_manager.py) computes, as pure functions.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { LRUCache } from 'lru-cache'

export const REMEMBER_COOKIE_NAME = 'remember_token'
/** REMEMBER_COOKIE_DURATION default: timedelta(days=365). */
export const REMEMBER_COOKIE_DURATION_SECONDS = 365 * 24 * 60 * 60

/** Python's `repr(bytes)`, e.g. `b'127.0.0.1'`; `None` for a missing value. */
export function pythonBytesRepr(bytes: Uint8Array | null): string {
  if (bytes === null) return 'None'
  const hasSingle = bytes.includes(0x27)
  const quote = hasSingle && !bytes.includes(0x22) ? '"' : "'"
  let out = 'b' + quote
  for (const byte of bytes) {
    if (byte === quote.charCodeAt(0) || byte === 0x5c) out += '\\' + String.fromCharCode(byte)
    else if (byte === 0x09) out += '\\t'
    else if (byte === 0x0a) out += '\\n'
    else if (byte === 0x0d) out += '\\r'
    else if (byte < 0x20 || byte >= 0x7f) out += '\\x' + byte.toString(16).padStart(2, '0')
    else out += String.fromCharCode(byte)
  }
  return out + quote
}

// bytes.strip() with no argument: ASCII whitespace.
function stripAsciiWhitespace(bytes: Buffer): Buffer {
  const isSpace = (byte: number) => byte === 0x20 || (byte >= 0x09 && byte <= 0x0d)
  let start = 0
  let end = bytes.length
  while (start < end && isSpace(bytes[start]!)) start += 1
  while (end > start && isSpace(bytes[end - 1]!)) end -= 1
  return bytes.subarray(start, end)
}

/**
 * `_create_identifier()`: sha512 hex of `f"{_get_remote_addr()}|{user_agent}"`, where both are *bytes*
 * (so the string holds their Python reprs) or None. `_get_remote_addr` takes the first comma-separated
 * entry of X-Forwarded-For (as the legacy app receives it), else REMOTE_ADDR. Header values are the
 * latin-1 strings the WSGI server (and Node) decode; Python then encodes them as UTF-8.
 */
export function sessionIdentifier(forwardedFor: string | null, remoteAddr: string | null, userAgent: string | null): string {
  const address = forwardedFor ?? remoteAddr
  const addressBytes = address === null ? null : stripAsciiWhitespace(firstCommaSeparated(Buffer.from(address, 'utf8')))
  const agentBytes = userAgent === null ? null : Buffer.from(userAgent, 'utf8')
  const base = `${pythonBytesRepr(addressBytes)}|${pythonBytesRepr(agentBytes)}`
  return createHash('sha512').update(Buffer.from(base, 'utf8')).digest('hex')
}

function firstCommaSeparated(bytes: Buffer): Buffer {
  const comma = bytes.indexOf(0x2c)
  return comma === -1 ? bytes : bytes.subarray(0, comma)
}

/**
 * The X-Forwarded-For header the legacy app receives through the gateway's proxy (http-proxy with
 * `xfwd: true` appends the peer address): `<incoming>,<peer>`, or just `<peer>`.
 */
export function forwardedForAtLegacy(incomingForwardedFor: string | undefined, peerAddress: string | undefined): string {
  const peer = peerAddress ?? 'undefined'
  return incomingForwardedFor ? `${incomingForwardedFor},${peer}` : peer
}

/**
 * `encode_cookie(str(user_id))`: `<user_id>|<hex HMAC-SHA512 with SECRET_KEY>`. Flask-Login encodes the
 * key as latin-1 (`_secret_key`); a key with characters beyond U+00FF makes Python raise, so this throws.
 */
export function encodeRememberCookie(userId: string, secretKey: string): string {
  if (/[^\u0000-\u00ff]/.test(secretKey)) throw new Error('SECRET_KEY is not latin-1 encodable (Flask-Login would fail too)')
  return `${userId}|${rememberDigest(userId, secretKey)}`
}

/**
 * `decode_cookie(cookie)`: `cookie.rsplit("|", 1)`, then `hmac.compare_digest(_cookie_digest(payload),
 * digest)` with SECRET_KEY alone (Flask-Login never looks at SECRET_KEY_FALLBACKS). Returns the payload
 * (the user id as text), `null` where Flask-Login returns None, and `unverifiable` where Python would raise
 * instead (a digest with non-ASCII characters makes compare_digest raise TypeError; a key beyond latin-1
 * makes `_secret_key` raise) or where a non-ASCII payload would need Werkzeug's exact cookie decoding.
 */
export function decodeRememberCookie(cookie: string, secretKey: string): string | null | 'unverifiable' {
  if (/[^\x00-\x7f]/.test(cookie) || /[^\u0000-\u00ff]/.test(secretKey)) return 'unverifiable'
  const bar = cookie.lastIndexOf('|')
  if (bar === -1) return null // rsplit gives one piece: ValueError → None
  const payload = cookie.slice(0, bar)
  const expected = Buffer.from(rememberDigest(payload, secretKey), 'ascii')
  const given = Buffer.from(cookie.slice(bar + 1), 'ascii')
  return expected.length === given.length && timingSafeEqual(expected, given) ? payload : null
}

/** `_cookie_digest(payload)`: hex HMAC-SHA512 of the UTF-8 payload, keyed with SECRET_KEY as latin-1. */
function rememberDigest(payload: string, secretKey: string): string {
  return createHmac('sha512', Buffer.from(secretKey, 'latin1')).update(Buffer.from(payload, 'utf8')).digest('hex')
}

/** Identifiers of recent clients by forwarded address and User-Agent (`\n` cannot occur in a header value); at most ~1 M characters. */
const recentIdentifiers = new LRUCache<string, string>({ max: 4096, maxSize: 1 << 20, sizeCalculation: (value, key) => key.length + value.length })

/**
 * `_create_identifier()` as the legacy app computes it for this request when it reaches it through the
 * gateway's proxy: X-Forwarded-For as the proxy rewrites it, and the User-Agent as forwarded.
 */
export function identifierAtLegacy(incoming: { headers: IncomingHttpHeaders; socket?: { remoteAddress?: string | undefined } }): string {
  const forwarded = incoming.headers['x-forwarded-for']
  const joined = Array.isArray(forwarded) ? forwarded.join(', ') : forwarded
  const xff = forwardedForAtLegacy(joined, incoming.socket?.remoteAddress)
  const userAgent = incoming.headers['user-agent']
  // A client sends the same address and User-Agent on every request: its SHA-512 is computed once.
  const key = userAgent === undefined ? `${xff}\n` : `${xff}\n\n${userAgent}`
  let identifier = recentIdentifiers.get(key)
  if (identifier === undefined) recentIdentifiers.set(key, (identifier = sessionIdentifier(xff, null, userAgent ?? null)))
  return identifier
}
