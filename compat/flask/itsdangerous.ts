/**
 * The parts of itsdangerous 2.2 that Flask's cookie session uses: `URLSafeTimedSerializer` with
 * `TimestampSigner(key_derivation="hmac", digest_method=sha1)`. Pure functions over strings and bytes.
 *
 * Layout of a signed value: `<payload>.<timestamp>.<signature>` where
 * - payload = base64url(json), or `.` + base64url(zlib(json)) when compression saved more than one byte;
 * - timestamp = base64url of the big-endian seconds since the epoch, leading zero bytes stripped;
 * - signature = base64url(HMAC-SHA1(derivedKey, "<payload>.<timestamp>")),
 *   derivedKey = HMAC-SHA1(secretKey, salt).
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { deflateSync, inflateSync } from 'node:zlib'
import { base64UrlEncode, itsdangerousBase64Decode } from '../python/base64.js'

export const SEPARATOR = '.'

/** Derived keys by salt and secret: a handful per process (a salt times SECRET_KEY and its fallbacks). */
const derivedKeys = new Map<string, Map<string, Buffer>>()

export function deriveKey(secretKey: string, salt: string): Buffer {
  // The same every time for a (secret, salt), and each session check needs one: derived once, kept.
  let bySecret = derivedKeys.get(salt)
  if (!bySecret) derivedKeys.set(salt, (bySecret = new Map()))
  let key = bySecret.get(secretKey)
  if (!key) {
    // want_bytes: str keys are UTF-8 encoded; key_derivation "hmac": hmac.new(secret, salt, sha1).digest()
    key = createHmac('sha1', Buffer.from(secretKey, 'utf8')).update(Buffer.from(salt, 'utf8')).digest()
    // Bounded by the configuration, not by requests: only the gateway's own keys and salts reach here.
    if (bySecret.size < 16) bySecret.set(secretKey, key)
  }
  return key
}

export function signature(derivedKey: Buffer, value: Buffer): Buffer {
  return createHmac('sha1', derivedKey).update(value).digest()
}

/** `TimestampSigner.sign`: appends the timestamp and the signature. */
export function signTimestamped(value: string, secretKey: string, salt: string, timestampSeconds: number): string {
  const timestamp = base64UrlEncode(intToBytes(timestampSeconds))
  const signed = `${value}${SEPARATOR}${timestamp}`
  const sig = signature(deriveKey(secretKey, salt), Buffer.from(signed, 'utf8'))
  return `${signed}${SEPARATOR}${base64UrlEncode(sig)}`
}

export type UnsignResult =
  | { ok: true; value: Buffer; timestamp: number }
  | { ok: false; reason: 'no-separator' | 'bad-signature' | 'no-timestamp' | 'malformed-timestamp' | 'expired' }

/**
 * `TimestampSigner.unsign(value, max_age)` with several candidate keys (Flask passes SECRET_KEY plus
 * SECRET_KEY_FALLBACKS; any of them may have signed). Every key is tried with a constant-time comparison.
 */
export function unsignTimestamped(
  signedValue: string,
  options: { secretKeys: readonly string[]; salt: string; maxAgeSeconds: number; nowSeconds: number },
): UnsignResult {
  const bytes = Buffer.from(signedValue, 'utf8')
  const lastDot = bytes.lastIndexOf(SEPARATOR)
  if (lastDot === -1) return { ok: false, reason: 'no-separator' }
  const value = bytes.subarray(0, lastDot)
  const sig = itsdangerousBase64Decode(bytes.subarray(lastDot + 1))
  if (sig === null || !options.secretKeys.some((key) => safeEqual(sig, signature(deriveKey(key, options.salt), value)))) {
    return { ok: false, reason: 'bad-signature' }
  }
  const tsDot = value.lastIndexOf(SEPARATOR)
  if (tsDot === -1) return { ok: false, reason: 'no-timestamp' }
  const timestamp = bytesToInt(itsdangerousBase64Decode(value.subarray(tsDot + 1)))
  if (timestamp === null) return { ok: false, reason: 'malformed-timestamp' }
  if (!withinMaxAge(timestamp, options.maxAgeSeconds, options.nowSeconds)) return { ok: false, reason: 'expired' }
  return { ok: true, value: value.subarray(0, tsDot), timestamp: Number(timestamp) }
}

/** `TimestampSigner.unsign`'s age rule: `SignatureExpired` when older than `max_age` or from the future. */
export function withinMaxAge(timestampSeconds: bigint | number, maxAgeSeconds: number, nowSeconds: number): boolean {
  const age = BigInt(nowSeconds) - BigInt(timestampSeconds)
  return age <= BigInt(maxAgeSeconds) && age >= 0n
}

function safeEqual(a: Buffer, b: Buffer): boolean {
  // hmac.compare_digest is False for different lengths; timingSafeEqual throws, so check first.
  return a.length === b.length && timingSafeEqual(a, b)
}

/** itsdangerous `int_to_bytes`: big-endian 8 bytes, leading zero bytes stripped. */
export function intToBytes(value: number): Buffer {
  const buffer = Buffer.alloc(8)
  buffer.writeBigUInt64BE(BigInt(value))
  let start = 0
  while (start < 8 && buffer[start] === 0) start += 1
  return buffer.subarray(start)
}

/** itsdangerous `bytes_to_int`: left-padded to 8 bytes, unsigned big-endian; more than 8 bytes is an error. */
export function bytesToInt(bytes: Buffer | null): bigint | null {
  if (bytes === null || bytes.length > 8) return null
  const padded = Buffer.alloc(8)
  bytes.copy(padded, 8 - bytes.length)
  return padded.readBigUInt64BE()
}

/** `URLSafeSerializerMixin.dump_payload`: compress when it saves more than one byte. */
export function dumpPayload(json: string): string {
  const raw = Buffer.from(json, 'utf8')
  const compressed = deflateSync(raw)
  if (compressed.length < raw.length - 1) return `${SEPARATOR}${base64UrlEncode(compressed)}`
  return base64UrlEncode(raw)
}

export type LoadPayloadResult = { ok: true; json: string } | { ok: false; reason: 'base64' | 'zlib' | 'too-large' | 'utf8' }

/**
 * `URLSafeSerializerMixin.load_payload` up to the JSON text. Decompression is capped (`maxOutputLength`):
 * a zlib bomb fails instead of allocating; so does any payload over `maxBytes` after decoding.
 */
export function loadPayload(payload: Buffer, maxBytes: number): LoadPayloadResult {
  const compressed = payload[0] === SEPARATOR.charCodeAt(0)
  const decoded = itsdangerousBase64Decode(compressed ? payload.subarray(1) : payload)
  if (decoded === null) return { ok: false, reason: 'base64' }
  let json: Buffer = decoded
  if (compressed) {
    try {
      json = inflateSync(decoded, { maxOutputLength: maxBytes })
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      return { ok: false, reason: code === 'ERR_BUFFER_TOO_LARGE' ? 'too-large' : 'zlib' }
    }
  }
  if (json.length > maxBytes) return { ok: false, reason: 'too-large' }
  try {
    // payload.decode("utf-8"): strict
    return { ok: true, json: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(json) }
  } catch {
    return { ok: false, reason: 'utf8' }
  }
}
