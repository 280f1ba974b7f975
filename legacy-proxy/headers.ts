import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http'

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1, plus the old `Keep-Alive`, `Proxy-Connection` and the proxy
 * authentication pair): they describe one connection, never the message, so the proxy drops them in both
 * directions, together with every header the message's own `Connection` header names.
 */
export const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
])

/** Headers the proxy recomputes for the upstream request instead of copying them. */
const RECOMPUTED_ON_REQUEST = new Set([
  'host',
  'expect',
  'content-length',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-forwarded-port',
  'forwarded',
  'x-real-ip',
  'x-request-id',
])

/** Forwarding headers passed on as a trusted front proxy set them (`forwardingTrust` removed everyone else's). */
const FROM_TRUSTED_PROXY = ['x-forwarded-port', 'forwarded', 'x-real-ip'] as const

/** Names listed in the `Connection` header(s), lower-cased. */
export function connectionTokens(headers: IncomingHttpHeaders | NodeJS.Dict<string[]>): Set<string> {
  const raw = headers.connection
  const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]
  const tokens = new Set<string>()
  for (const value of values) {
    for (const token of value.split(',')) {
      const name = token.trim().toLowerCase()
      if (name) tokens.add(name)
    }
  }
  return tokens
}

/** End-to-end headers of a message, every repeated header kept as its own line (`headersDistinct`). */
export function endToEndHeaders(message: IncomingMessage, alsoDrop: ReadonlySet<string> = new Set()): Record<string, string[]> {
  const distinct = message.headersDistinct
  const named = connectionTokens(distinct)
  const result: Record<string, string[]> = {}
  for (const [name, values] of Object.entries(distinct)) {
    if (!values || HOP_BY_HOP.has(name) || named.has(name) || alsoDrop.has(name)) continue
    result[name] = values
  }
  return result
}

export type ForwardingInfo = {
  /** `host[:port]` of the legacy app: what it sees as `Host`. */
  legacyHost: string
  requestId: string
  /** Length of the buffered body sent upstream (null: no body). */
  bodyLength: number | null
}

/**
 * The upstream request's headers. Policy (docs/proxy.md). The request's forwarding headers have already
 * been filtered by `forwardingTrust` (core/forwarding-trust.ts): only what a trusted front proxy said is
 * left in `incoming.headers`, so that is what is read here (never the raw `headersDistinct`).
 * - `Host` is the legacy app's own host, like any client calling it directly (virtual hosting, TLS, a
 *   platform router in front of it all keep working); the client's `Host` travels in `X-Forwarded-Host`.
 * - `X-Forwarded-For` gets the peer's address appended (`<trusted chain>,<peer>`). `X-Forwarded-Host` is
 *   the `Host` the gateway received (never a sent `X-Forwarded-Host`). `X-Forwarded-Proto` keeps a trusted
 *   `http`/`https` value, else it is this connection's scheme. `X-Forwarded-Port`, `Forwarded` and
 *   `X-Real-IP` pass only from a trusted proxy.
 * - `X-Request-Id` is the gateway's request id, so both apps' logs share it.
 * - `Expect` is dropped: Node already answered `100 Continue` to the client.
 * - `Content-Length` is the buffered body's; the client's framing (Transfer-Encoding) is hop-by-hop.
 */
export function upstreamRequestHeaders(incoming: IncomingMessage, info: ForwardingInfo): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = endToEndHeaders(incoming, RECOMPUTED_ON_REQUEST)
  const peer = incoming.socket.remoteAddress ?? ''
  const prior = incoming.headers['x-forwarded-for']
  const priorFor = Array.isArray(prior) ? prior.join(', ') : prior
  // `<incoming>,<peer>`: the exact form compat/flask/login.ts (forwardedForAtLegacy) reproduces to
  // compute Flask-Login's session identifier as the legacy app does. Do not change one without the other.
  headers['x-forwarded-for'] = priorFor ? `${priorFor},${peer}` : peer
  headers['x-forwarded-proto'] = clientProto(incoming)
  if (incoming.headers.host) headers['x-forwarded-host'] = incoming.headers.host
  for (const name of FROM_TRUSTED_PROXY) {
    const value = incoming.headers[name]
    if (value !== undefined) (headers as Record<string, string | string[]>)[name] = value
  }
  // Several Cookie lines (HTTP/2 front ends split them) become one, as RFC 6265 requires of HTTP/1.1.
  const cookies = incoming.headersDistinct.cookie
  if (cookies && cookies.length > 1) headers.cookie = cookies.join('; ')
  headers['x-request-id'] = info.requestId
  headers.host = info.legacyHost
  // The body is buffered, so it goes with its length (what nginx does too), whatever framing the client used.
  if (info.bodyLength !== null) headers['content-length'] = String(info.bodyLength)
  return headers
}

/**
 * A `Location` pointing at the legacy app's own host (Werkzeug builds absolute redirects from the `Host` it
 * saw) is rewritten to the scheme and host the client used; any other value is left alone.
 */
export function rewriteLocation(location: string, legacyOrigin: URL, incoming: IncomingMessage): string {
  let url: URL
  try {
    url = new URL(location)
  } catch {
    return location // relative: already right for the client
  }
  // Either scheme: gunicorn trusts X-Forwarded-Proto from allowed addresses, so a redirect to the legacy
  // host may already say https.
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.host !== legacyOrigin.host) return location
  // Everything after the authority, byte for byte (the URL parser would re-encode it).
  const rest = location.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '')
  const clientHost = incoming.headers.host
  if (!clientHost) return rest || '/'
  return `${clientProto(incoming)}://${clientHost}${rest}`
}

/** The origin the client addressed (scheme and `Host`), against which a browser resolves a Location. */
export function clientOrigin(incoming: IncomingMessage): string {
  return `${clientProto(incoming)}://${incoming.headers.host ?? 'host.invalid'}`
}

/** The scheme the client used: a front proxy's `X-Forwarded-Proto` when it is `http`/`https`, else this connection's. */
export function clientProto(incoming: IncomingMessage): 'http' | 'https' {
  const forwarded = firstValue(incoming.headers['x-forwarded-proto'])?.toLowerCase()
  if (forwarded === 'http' || forwarded === 'https') return forwarded
  return (incoming.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http'
}

function firstValue(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header
  const first = value?.split(',')[0]?.trim()
  return first ? first : undefined
}
