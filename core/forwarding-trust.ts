import { BlockList, isIP } from 'node:net'
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import type { MiddlewareHandler } from 'hono'
import type { GatewayEnv } from './env.js'

/**
 * Which peers may tell the gateway who the client is (TRUST_PROXY). Forwarding headers are only as true
 * as whoever wrote them: from an untrusted peer they are the client's own claims, which the legacy app
 * would otherwise take as facts (Flask-Login's session protection hashes the first X-Forwarded-For entry;
 * gunicorn trusts X-Forwarded-Proto from the gateway's address).
 * - `none` (default): the peer is the client; every forwarding header it sends is dropped.
 * - a hop count `n`: the nearest `n` hops (the peer and the last n−1 X-Forwarded-For entries) are proxies.
 * - a list of addresses / CIDRs (and `loopback`, `private`): those are proxies.
 */
export type TrustPolicy =
  | { kind: 'none' }
  | { kind: 'hops'; hops: number }
  | { kind: 'list'; list: BlockList; entries: string[] }

/** Headers that describe the client or the hops before the gateway; the X-Request-Id is the caller's claim too. */
export const FORWARDING_HEADERS = ['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port', 'forwarded', 'x-real-ip', 'x-request-id'] as const

const NAMED: Record<string, Array<[string, number, 'ipv4' | 'ipv6']>> = {
  loopback: [['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6']],
  private: [['10.0.0.0', 8, 'ipv4'], ['172.16.0.0', 12, 'ipv4'], ['192.168.0.0', 16, 'ipv4'], ['fc00::', 7, 'ipv6']],
}

/** Parses TRUST_PROXY; throws with a readable message on anything else. */
export function parseTrustProxy(value: string | undefined): TrustPolicy {
  const text = (value ?? '').trim().toLowerCase()
  if (text === '' || text === 'none' || text === 'false' || text === '0') return { kind: 'none' }
  if (/^\d+$/.test(text)) {
    const hops = Number(text)
    if (hops > 32) throw new Error('a hop count of at most 32')
    return { kind: 'hops', hops }
  }
  const list = new BlockList()
  const entries = text.split(',').map((entry) => entry.trim()).filter(Boolean)
  for (const entry of entries) {
    const named = NAMED[entry]
    if (named) {
      for (const [network, prefix, family] of named) list.addSubnet(network, prefix, family)
      continue
    }
    const [address = '', prefix, extra] = entry.split('/')
    const family = isIP(address)
    if (!family || extra !== undefined) throw new Error(`not an address or CIDR: ${entry}`)
    const type = family === 4 ? 'ipv4' : 'ipv6'
    if (prefix === undefined) list.addAddress(address, type)
    else {
      const bits = Number(prefix)
      if (!/^\d+$/.test(prefix) || bits > (family === 4 ? 32 : 128)) throw new Error(`bad prefix length: ${entry}`)
      list.addSubnet(address, bits, type)
    }
  }
  if (entries.length === 0) return { kind: 'none' }
  return { kind: 'list', list, entries }
}

function isTrusted(address: string, policy: TrustPolicy & { kind: 'list' }): boolean {
  const plain = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address
  const family = isIP(plain)
  return family !== 0 && policy.list.check(plain, family === 4 ? 'ipv4' : 'ipv6')
}

/**
 * Rewrites the request's forwarding headers in place so that from here on they say only what trusted hops
 * said: from an untrusted peer all of them go (including X-Request-Id); from a trusted one, X-Forwarded-For
 * keeps the chain from the first untrusted address (the client) on, so its first entry is the client as
 * the trusted proxies saw it. Everything downstream — the request id, the proxy's header policy, the
 * Flask-Login identifier the gateway recomputes (compat/flask/login.ts) — reads these headers, so they
 * agree with what the legacy app receives.
 */
export function applyForwardingTrust(headers: IncomingHttpHeaders, peer: string, policy: TrustPolicy): void {
  const peerTrusted = policy.kind === 'hops' ? policy.hops >= 1 : policy.kind === 'list' && isTrusted(peer, policy)
  if (!peerTrusted) {
    for (const name of FORWARDING_HEADERS) delete headers[name]
    return
  }
  const raw = headers['x-forwarded-for']
  if (raw === undefined) return
  const entries = (Array.isArray(raw) ? raw.join(',') : raw).split(',').map((entry) => entry.trim()).filter(Boolean)
  const chain = [...entries, peer]
  let client: number
  if (policy.kind === 'hops') client = Math.max(0, chain.length - 1 - policy.hops)
  else {
    client = chain.length - 1
    while (client > 0 && isTrusted(chain[client]!, policy as TrustPolicy & { kind: 'list' })) client--
  }
  const kept = chain.slice(client, -1)
  if (kept.length === 0) delete headers['x-forwarded-for']
  else headers['x-forwarded-for'] = kept.join(', ')
}

/** The client's address: the first trusted X-Forwarded-For entry, else the peer (after `forwardingTrust`). */
export function clientAddressOf(incoming: Pick<IncomingMessage, 'headers' | 'socket'>): string {
  const forwarded = incoming.headers['x-forwarded-for']
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim()
  return first || incoming.socket?.remoteAddress || 'unknown'
}

/** The middleware: first on every request, before the request id is chosen. */
export function forwardingTrust(policy: TrustPolicy): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const incoming = c.env?.incoming
    if (incoming) applyForwardingTrust(incoming.headers, incoming.socket?.remoteAddress ?? '', policy)
    await next()
  }
}
