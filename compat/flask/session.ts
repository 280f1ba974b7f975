/**
 * Flask 3.1's default cookie session (`SecureCookieSessionInterface`) in TypeScript: opens the `session`
 * cookie exactly when Flask would, and writes cookies Flask accepts.
 *
 * Flask signs with `URLSafeTimedSerializer(keys, salt="cookie-session", serializer=TaggedJSONSerializer,
 * signer_kwargs={key_derivation: "hmac", digest_method: sha1})`, where keys = SECRET_KEY_FALLBACKS +
 * [SECRET_KEY] (the last signs new cookies, all verify). `open_session` always checks the timestamp with
 * `max_age = PERMANENT_SESSION_LIFETIME` (31 days by default), permanent session or not, and turns every
 * `BadSignature` (bad/unknown signature, expired, undecodable payload) into an empty session.
 */
import { dumpPayload, loadPayload, signTimestamped, unsignTimestamped } from './itsdangerous.js'
import { taggedJsonDumps, taggedJsonLoads } from './tagged-json.js'

export const SESSION_COOKIE_NAME = 'session'
export const SESSION_SALT = 'cookie-session'
/** Flask's default PERMANENT_SESSION_LIFETIME (timedelta(days=31)); the legacy app does not change it. */
export const DEFAULT_MAX_AGE_SECONDS = 31 * 24 * 60 * 60
/**
 * Hostile-input caps (not Flask's; see docs/auth.md). A browser stores at most 4096 bytes per cookie and
 * Flask itself warns above 4093, so longer values never come from a real session; decoded (and
 * decompressed) JSON is capped at the same size, which also defuses zlib bombs.
 */
export const MAX_COOKIE_CHARS = 4096
export const MAX_PAYLOAD_BYTES = 4096

export type SessionData = Record<string, unknown>

export type OpenSessionOptions = {
  /** Every key that may have signed: SECRET_KEY first, then SECRET_KEY_FALLBACKS. */
  secretKeys: readonly string[]
  maxAgeSeconds?: number
  /** Seconds since the epoch; the clock by default. */
  nowSeconds?: number
}

export type OpenSessionResult =
  | { ok: true; data: SessionData; timestamp: number }
  | { ok: false; reason: string }

/** Opens a `session` cookie value. Never throws: anything Flask would not accept is `{ ok: false }`. */
export function openSession(cookieValue: string | undefined, options: OpenSessionOptions): OpenSessionResult {
  if (!cookieValue) return { ok: false, reason: 'absent' }
  if (cookieValue.length > MAX_COOKIE_CHARS) return { ok: false, reason: 'too-large' }
  try {
    const unsigned = unsignTimestamped(cookieValue, {
      secretKeys: options.secretKeys,
      salt: SESSION_SALT,
      maxAgeSeconds: options.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS,
      nowSeconds: options.nowSeconds ?? Math.floor(Date.now() / 1000),
    })
    if (!unsigned.ok) return { ok: false, reason: unsigned.reason }
    const payload = loadPayload(unsigned.value, MAX_PAYLOAD_BYTES)
    if (!payload.ok) return { ok: false, reason: payload.reason }
    const data = taggedJsonLoads(payload.json)
    // SecureCookieSession(data) needs a mapping. (Python would also take a list of pairs, or crash with a
    // 500 on other JSON: only a holder of the key can produce either; the gateway refuses both.)
    if (typeof data !== 'object' || data === null || Array.isArray(data) || Object.getPrototypeOf(data) !== Object.prototype) {
      return { ok: false, reason: 'not-an-object' }
    }
    return { ok: true, data: data as SessionData, timestamp: unsigned.timestamp }
  } catch (error) {
    return { ok: false, reason: error instanceof SyntaxError ? 'json' : 'payload' }
  }
}

/** `get_signing_serializer(app).dumps(dict(session))`: signed with the current SECRET_KEY. */
export function encodeSession(data: SessionData, secretKey: string, nowSeconds = Math.floor(Date.now() / 1000)): string {
  return signTimestamped(dumpPayload(taggedJsonDumps(data)), secretKey, SESSION_SALT, nowSeconds)
}
