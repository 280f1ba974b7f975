import { randomBytes } from 'node:crypto'
import { openSession } from '../compat/flask/session.js'

/**
 * Canary selection, sticky per client: the same client always lands on the same side for a given
 * percentage, and raising the percentage only moves clients from legacy to the gateway.
 */
export function inCanary(stickyKey: string, percent: number): boolean {
  return bucketOf(stickyKey) < percent
}

/** 0–99 from a 32-bit FNV-1a hash: cheap, stable across processes and instances. */
export function bucketOf(key: string): number {
  let hash = 0x811c9dc5
  for (let index = 0; index < key.length; index++) {
    hash ^= key.charCodeAt(index)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash % 100
}

/** The gateway's own cookie for anonymous clients: a random id, nothing else. */
export const CANARY_COOKIE = 'gw_canary'
/** About a year: the side should outlive a browser restart. */
export const CANARY_COOKIE_MAX_AGE_SECONDS = 365 * 24 * 60 * 60
const CANARY_ID = /^[A-Za-z0-9_-]{16,64}$/

export type CanaryIdentity = {
  /** What the canary draw hashes: `user:<_user_id>` or `anon:<gw_canary id>`. */
  key: string
  /** Set when the client had no usable gw_canary cookie: the Set-Cookie value that gives it one. */
  setCookie?: string
}

/**
 * Who the client is for stickiness. A verified Flask session naming a user (`_user_id`) wins, so one user
 * keeps a side across browsers, addresses and whatever else the session holds; otherwise the gateway's
 * `gw_canary` cookie, issued here when absent. An unverifiable session is treated as anonymous.
 */
export function canaryIdentity(cookieHeader: string | undefined, secretKeys: readonly string[], newId: () => string = randomId): CanaryIdentity {
  const session = cookieValue(cookieHeader, 'session')
  if (session) {
    const opened = openSession(session, { secretKeys })
    const userId = opened.ok ? opened.data._user_id : undefined
    if (typeof userId === 'string' && userId !== '') return { key: `user:${userId.toLowerCase()}` }
    if (Buffer.isBuffer(userId)) return { key: `user:${userId.toString('hex')}` }
  }
  const anonymous = cookieValue(cookieHeader, CANARY_COOKIE)
  if (anonymous && CANARY_ID.test(anonymous)) return { key: `anon:${anonymous}` }
  const id = newId()
  return {
    key: `anon:${id}`,
    setCookie: `${CANARY_COOKIE}=${id}; Max-Age=${CANARY_COOKIE_MAX_AGE_SECONDS}; Path=/; HttpOnly; SameSite=Lax`,
  }
}

function randomId(): string {
  return randomBytes(16).toString('base64url')
}

function cookieValue(cookieHeader: string | undefined, name: string): string | undefined {
  if (!cookieHeader) return undefined
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=')
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1')
  }
  return undefined
}
