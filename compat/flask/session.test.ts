import { deflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { base64UrlEncode } from '../python/base64.js'
import { deriveKey, signTimestamped, signature } from './itsdangerous.js'
import { DEFAULT_MAX_AGE_SECONDS, MAX_COOKIE_CHARS, SESSION_SALT, encodeSession, openSession } from './session.js'
import { PyTuple, PyUuid } from './tagged-json.js'

// Cookies made by Flask 3.1.3 / itsdangerous 2.2.0 (SecureCookieSessionInterface().get_signing_serializer)
// with SECRET_KEY "k1" (or "old") and the clock frozen at 1790000000.
const SIGNED_AT = 1790000000
const FLASK = {
  small: 'eyJfdXNlcl9pZCI6IjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2NyIsIl9mcmVzaCI6dHJ1ZX0.arE7gA.pvStbNkOczA-F_mKGttjE-zn3jY',
  login: '.eJyrVoovLU4tis9MUbJSMjA0MjYxNTO3sExMSk5JTYPxlXSU4tOKUoszlKxKikpTgTyw8sSkgYVKtQCW1UK-.arE7gA.rLQIWQbAIOhvUWN4_uVUmvZjxhc',
  tags: '.eJyrVkpUsqpWUihRsoo21DGKrdVRKgULAEklA_zAVAmoOgmsGkgqOQZY2IJEUsAiQFLJrShTR8HASMErMU_ByMDITMHA2MrAxMrAVMHdNwSkFGStUmpxcmJBqpKOUh6QE1NqYJBqDiaN85VqAYkiJkQ.arE7gA.GKMVbuXwD9Xb_PWtEAhz0aS1kUg',
  old: 'eyJfdXNlcl9pZCI6IjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2NyJ9.arE7gA.Jjk5-o6yuUMScxmD7dW-V-8SrN0',
  oidBytes: 'eyJfdXNlcl9pZCI6eyIgYiI6IkFTTkZaNG1yemU4QkkwVm4ifX0.arE7gA.tPNiFlxzgsPilovl6E5e-Sbl6N4',
  list: 'WzEsMl0.arE7gA.sk5IqsPzdggv1tveBgNYHCjIZ3o',
  string: 'Ingi.arE7gA.UR5uoopMLa_MBZc5BU9pD4-NxyA',
}
const at = (nowSeconds: number, secretKeys = ['k1']) => ({ secretKeys, nowSeconds })
const now = at(SIGNED_AT + 60)
const USER = '0123456789abcdef01234567'

/** A cookie over arbitrary payload text, correctly signed: what only a holder of the key could make. */
const signedPayload = (payload: string, key = 'k1', timestamp = SIGNED_AT) => signTimestamped(payload, key, SESSION_SALT, timestamp)
const signedJson = (json: string | Buffer) => signedPayload(base64UrlEncode(Buffer.isBuffer(json) ? json : Buffer.from(json)))
const signedZlib = (raw: Buffer) => signedPayload(`.${base64UrlEncode(deflateSync(raw, { level: 9 }))}`)

describe('openSession with cookies made by Flask', () => {
  it('opens an uncompressed session', () => {
    expect(openSession(FLASK.small, now)).toEqual({ ok: true, data: { _user_id: USER, _fresh: true }, timestamp: SIGNED_AT })
  })

  it('opens a zlib-compressed session (leading ".")', () => {
    const result = openSession(FLASK.login, now)
    expect(result).toEqual({ ok: true, data: { _user_id: USER, _fresh: true, _id: 'ab'.repeat(64) }, timestamp: SIGNED_AT })
  })

  it("untags Flask's tagged JSON (tuple, uuid, bytes, datetime, dict escape, non-ASCII)", () => {
    const result = openSession(FLASK.tags, now)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.data.a).toEqual(new PyTuple([1, 2]))
    expect(result.data.u).toEqual(new PyUuid('00000000000000000000000000000005'))
    expect(result.data.b).toEqual(Buffer.from([0x00, 0xff]))
    expect(result.data.d).toEqual(new Date('2026-01-02T03:04:05Z'))
    expect(result.data[' t']).toBe('escape')
    expect(result.data.n).toBe('ção')
  })

  it('accepts a cookie signed with a fallback key (SECRET_KEY_FALLBACKS), in any key order', () => {
    expect(openSession(FLASK.old, at(SIGNED_AT, ['k1', 'old'])).ok).toBe(true)
    expect(openSession(FLASK.old, at(SIGNED_AT, ['old', 'k1'])).ok).toBe(true)
    expect(openSession(FLASK.old, at(SIGNED_AT, ['k1']))).toEqual({ ok: false, reason: 'bad-signature' })
  })

  it('checks the age against max_age (31 days by default) inclusive, like itsdangerous', () => {
    expect(openSession(FLASK.small, at(SIGNED_AT + DEFAULT_MAX_AGE_SECONDS)).ok).toBe(true)
    expect(openSession(FLASK.small, at(SIGNED_AT + DEFAULT_MAX_AGE_SECONDS + 1))).toEqual({ ok: false, reason: 'expired' })
    expect(openSession(FLASK.small, { ...at(SIGNED_AT + 11), maxAgeSeconds: 10 })).toEqual({ ok: false, reason: 'expired' })
  })

  it('refuses a timestamp in the future (age < 0), like itsdangerous', () => {
    expect(openSession(FLASK.small, at(SIGNED_AT - 1))).toEqual({ ok: false, reason: 'expired' })
  })

  it('re-encodes uncompressed sessions byte for byte', () => {
    expect(encodeSession({ _user_id: USER, _fresh: true }, 'k1', SIGNED_AT)).toBe(FLASK.small)
    expect(encodeSession({ _user_id: USER }, 'old', SIGNED_AT)).toBe(FLASK.old)
  })

  it('writes compressed sessions that open again (zlib bytes may differ from Python, the content does not)', () => {
    const data = { _user_id: USER, _fresh: true, _id: 'ab'.repeat(64) }
    const cookie = encodeSession(data, 'k1', SIGNED_AT)
    expect(cookie.startsWith('.')).toBe(true)
    expect(openSession(cookie, now)).toEqual({ ok: true, data, timestamp: SIGNED_AT })
  })
})

describe('hostile session cookies are "no session", never an exception', () => {
  const refuse = (cookie: string, reason?: string) => {
    const result = openSession(cookie, now)
    expect(result.ok).toBe(false)
    if (reason && !result.ok) expect(result.reason).toBe(reason)
  }
  const [payload, timestamp, sig] = FLASK.small.split('.') as [string, string, string]

  it('absent or empty', () => refuse('', 'absent'))
  it('forged: a made-up signature', () => refuse(`${payload}.${timestamp}.${'A'.repeat(27)}`, 'bad-signature'))
  it('unsigned: no separator at all', () => refuse('justtext', 'no-separator'))
  it('tampered payload', () => {
    const forged = base64UrlEncode(Buffer.from(JSON.stringify({ _user_id: 'ffffffffffffffffffffffff', _fresh: true })))
    refuse(`${forged}.${timestamp}.${sig}`, 'bad-signature')
  })
  it('tampered timestamp', () => refuse(`${payload}.${base64UrlEncode(Buffer.from([0x6b, 0, 0, 0]))}.${sig}`, 'bad-signature'))
  it('tampered signature (one character)', () => refuse(`${payload}.${timestamp}.${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`, 'bad-signature'))
  it('signature of the wrong length', () => refuse(`${payload}.${timestamp}.${sig}AAAA`, 'bad-signature'))
  it('signature that is not base64', () => refuse(`${payload}.${timestamp}.!`, 'bad-signature'))
  it('signed with another key', () => refuse(encodeSession({ _user_id: USER }, 'attacker-key', SIGNED_AT), 'bad-signature'))
  it('truncated', () => {
    for (let length = 1; length < FLASK.small.length; length += 7) refuse(FLASK.small.slice(0, length))
  })
  it('expired: signed more than 31 days ago', () => {
    refuse(signedPayload(payload, 'k1', SIGNED_AT + 60 - DEFAULT_MAX_AGE_SECONDS - 1), 'expired')
  })
  /** `<value>.<signature>` signed correctly with k1, whatever value holds. */
  const signRaw = (value: string) => `${value}.${base64UrlEncode(signature(deriveKey('k1', SESSION_SALT), Buffer.from(value)))}`
  it('signed, but no timestamp segment', () => refuse(signRaw(base64UrlEncode(Buffer.from('{}'))), 'no-timestamp'))
  it('signed timestamp longer than 8 bytes', () => {
    refuse(signRaw(`${base64UrlEncode(Buffer.from('{}'))}.${base64UrlEncode(Buffer.alloc(9, 1))}`), 'malformed-timestamp')
  })
  it(`oversized: more than ${MAX_COOKIE_CHARS} characters`, () => {
    refuse(signedJson(JSON.stringify({ _user_id: USER, pad: 'x'.repeat(MAX_COOKIE_CHARS) })), 'too-large')
  })
  it('non-base64 payload (signed)', () => refuse(signedPayload('a'), 'base64'))
  it('compressed flag with data that is not zlib (signed)', () => refuse(signedPayload(`.${base64UrlEncode(Buffer.from('not zlib'))}`), 'zlib'))
  it('zlib bomb: 2 MiB of spaces compressed into a cookie under 4 KiB (signed)', () => {
    const bomb = signedZlib(Buffer.alloc(2 * 1024 * 1024, 0x20))
    expect(bomb.length).toBeLessThan(MAX_COOKIE_CHARS)
    refuse(bomb, 'too-large')
  })
  it('invalid UTF-8 (signed)', () => refuse(signedJson(Buffer.from([0x7b, 0xff, 0x7d])), 'utf8'))
  it('invalid JSON (signed)', () => refuse(signedJson('{"_user_id": '), 'json'))
  it('JSON with a BOM (signed; Python refuses it too)', () => refuse(signedJson('\ufeff{}'), 'json'))
  it('JSON that is a list (signed by Flask)', () => refuse(FLASK.list, 'not-an-object'))
  it('JSON that is a string (signed by Flask)', () => refuse(FLASK.string, 'not-an-object'))
  it('JSON null / number (signed)', () => {
    refuse(signedJson('null'), 'not-an-object')
    refuse(signedJson('42'), 'not-an-object')
  })
  it('a tagged value Python cannot untag (signed)', () => {
    refuse(signedJson('{"x":{" t":5}}'), 'payload')
    refuse(signedJson('{"x":{" u":"nothex"}}'), 'payload')
    refuse(signedJson('{"x":{" b":"Y"}}'), 'payload')
    refuse(signedJson('{"x":{" di":{}}}'), 'payload')
  })
  it('an unparsable tagged date is None in Python, not an error', () => {
    expect(openSession(signedJson('{"x":{" d":"never"}}'), now)).toMatchObject({ ok: true, data: { x: null } })
  })
})
