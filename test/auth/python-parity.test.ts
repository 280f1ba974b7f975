// Fuzzed parity with the real thing: thousands of mutated session cookies, each opened by Flask 3.1 (the
// repo's .venv, test/support/flask-open-session.py) and by the gateway; both must agree on every one.
import { execFile } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { getCookie } from '../../compat/werkzeug/cookies.js'
import { encodeSession, openSession } from '../../compat/flask/session.js'
import { flaskSessionCookie } from '../support/flask-cookie.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const KEYS = ['current-key', 'fallback-key']
const NOW = 1_790_000_000

function flaskOpens(cookies: string[]): Promise<Array<string | null>> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      path.join(root, '.venv/bin/python'),
      [path.join(root, 'test/support/flask-open-session.py')],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout))),
    )
    child.stdin!.end(JSON.stringify({ keys: KEYS, now: NOW, cookies }))
  })
}

/** The gateway's whole path: the Cookie header parsed like Werkzeug, then the session opened. */
function gatewayOpens(cookie: string): string | null {
  const result = openSession(getCookie(`session=${cookie}`, 'session'), { secretKeys: KEYS, nowSeconds: NOW })
  if (!result.ok || Object.keys(result.data).length === 0) return null
  const userId = result.data._user_id
  if (userId === undefined) return null
  return typeof userId === 'string' ? userId : Buffer.isBuffer(userId) ? `b'<${userId.length} bytes>'` : String(userId)
}

// Deterministic PRNG so failures reproduce.
function prng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return seed / 0x80000000
  }
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=.!~ é'

function mutate(cookie: string, random: () => number): string {
  const pick = () => ALPHABET[Math.floor(random() * ALPHABET.length)]!
  const at = Math.floor(random() * (cookie.length + 1))
  switch (Math.floor(random() * 5)) {
    case 0:
      return cookie.slice(0, at) + pick() + cookie.slice(at + 1) // replace
    case 1:
      return cookie.slice(0, at) + pick() + cookie.slice(at) // insert
    case 2:
      return cookie.slice(0, at) + cookie.slice(at + 1) // delete
    case 3:
      return cookie.slice(0, at) // truncate
    default: {
      // insert junk into the signature segment only: Python's lenient base64 may still accept it
      const lastDot = cookie.lastIndexOf('.')
      const where = lastDot + 1 + Math.floor(random() * (cookie.length - lastDot))
      return cookie.slice(0, where) + pick() + cookie.slice(where)
    }
  }
}

describe('the gateway opens exactly the sessions Flask opens', () => {
  it('valid cookies, rotated keys, expiry edges and 3000 mutations', async () => {
    const userId = '5e0be1000100000000000001'
    const long = { _user_id: userId, _fresh: true, _id: 'f'.repeat(128) } // compressed by Flask
    const base = await Promise.all([
      flaskSessionCookie('current-key', { _user_id: userId, _fresh: true }, NOW - 10),
      flaskSessionCookie('fallback-key', long, NOW - 10),
      flaskSessionCookie('current-key', long, NOW - 31 * 86400), // exactly the max age: valid
      flaskSessionCookie('current-key', long, NOW - 31 * 86400 - 1), // one second over
      flaskSessionCookie('current-key', long, NOW + 1), // future
      flaskSessionCookie('unknown-key', long, NOW - 10),
    ])
    base.push(encodeSession({ _user_id: userId, _fresh: true }, 'current-key', NOW - 5))
    base.push(encodeSession(long, 'fallback-key', NOW - 5))
    const random = prng(20260101)
    const cookies = [...base]
    for (let index = 0; index < 3000; index += 1) {
      let cookie = base[index % 2 === 0 ? 0 : 1]!
      const rounds = 1 + Math.floor(random() * 2)
      for (let round = 0; round < rounds; round += 1) cookie = mutate(cookie, random)
      cookies.push(cookie)
    }
    const expected = await flaskOpens(cookies)
    const mismatches = cookies
      .map((cookie, index) => ({ cookie, flask: expected[index], gateway: gatewayOpens(cookie) }))
      .filter(({ flask, gateway }) => flask !== gateway)
    expect(mismatches.slice(0, 10)).toEqual([])
    expect(expected.slice(0, 8)).toEqual([userId, userId, userId, null, null, null, userId, userId])
    // the fuzzing did reach accepted-but-altered cookies (lenient signature base64), not only rejections
    expect(new Set(cookies.filter((cookie, index) => expected[index] === userId)).size).toBeGreaterThan(8)
  }, 60_000)
})
