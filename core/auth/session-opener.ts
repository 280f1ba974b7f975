import { LRUCache } from 'lru-cache'
import { withinMaxAge } from '../../compat/flask/itsdangerous.js'
import { DEFAULT_MAX_AGE_SECONDS, openSession, type OpenSessionResult, type SessionData } from '../../compat/flask/session.js'

export type SessionOpener = (cookieValue: string | undefined) => OpenSessionResult

type Verified = { data: SessionData; timestamp: number }

/**
 * Flask's `open_session` for one configuration, remembering the cookies it verified. A browser sends the same
 * `session` cookie on request after request, and verifying it (HMAC-SHA1, base64, zlib, tagged JSON) was about a
 * tenth of a small route's CPU (docs/benchmarks.md). Keyed by the whole signed value, so only a value that
 * verified before can hit; the age rule is applied again on every hit, so a cookie expires exactly as uncached.
 * Refusals are not kept (their values are the client's choice). `maxEntries` 0: no cache. The data is shared
 * between hits: callers copy it before changing it.
 */
export function createSessionOpener(options: { secretKeys: readonly string[]; maxAgeSeconds?: number; maxEntries: number }): SessionOpener {
  const secretKeys = [...options.secretKeys]
  const maxAgeSeconds = options.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS
  const open = (value: string | undefined, nowSeconds: number) => openSession(value, { secretKeys, maxAgeSeconds, nowSeconds })
  if (options.maxEntries <= 0) return (value) => open(value, Math.floor(Date.now() / 1000))
  const verified = new LRUCache<string, Verified>({ max: options.maxEntries })
  return (value) => {
    const nowSeconds = Math.floor(Date.now() / 1000)
    if (!value) return open(value, nowSeconds)
    const hit = verified.get(value)
    if (hit) {
      if (withinMaxAge(hit.timestamp, maxAgeSeconds, nowSeconds)) return { ok: true, ...hit }
      verified.delete(value)
    }
    const opened = open(value, nowSeconds)
    if (opened.ok) verified.set(value, { data: opened.data, timestamp: opened.timestamp })
    return opened
  }
}
