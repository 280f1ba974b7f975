/**
 * `werkzeug.security.check_password_hash` (Werkzeug 3.1) for the stored formats
 * `scrypt:N:r:p$salt$hex`, `scrypt$salt$hex` and `pbkdf2:<hash>[:iterations]$salt$hex`, with node:crypto
 * (scrypt asynchronously, on the libuv pool). The salt is used as its UTF-8 text, like Werkzeug's
 * `salt.encode()`; the hex comparison is constant-time.
 *
 * `unsupported` means Werkzeug would do something the gateway does not reproduce (raise on an unknown
 * method or malformed parameters, or parameters out of the range accepted here): the caller leaves the
 * request to the legacy app, which then answers exactly as before.
 */
import { pbkdf2, scrypt, timingSafeEqual, type BinaryLike, type ScryptOptions } from 'node:crypto'

export type PasswordVerdict = 'match' | 'mismatch' | 'unsupported'

/**
 * A hash made by `generate_password_hash` (Werkzeug's default `scrypt:32768:8:1`, the seeded users' method)
 * of a random password nobody kept: verifying it costs what verifying a real user's hash costs, so an
 * unknown e-mail takes as long as a wrong password (docs/auth.md). Its verdict is never used.
 */
export const DUMMY_PASSWORD_HASH =
  'scrypt:32768:8:1$iNHaohSiiemFapSt$2b81e08144211d95a190c1a5b71f7c3ed6aafbe8a4dc375d1865f4d6d63b5fd4c8b6968581dd51173c41e25f620e8412cfece50c9fb0e02f6ec4c0c87c5ab2d7'

/** Verifies the password against the dummy hash `times` times, one after the other; always a failure. */
export async function burnPasswordCheck(password: string, times: number): Promise<'mismatch'> {
  for (let index = 0; index < times; index++) await checkWerkzeugPassword(DUMMY_PASSWORD_HASH, password)
  return 'mismatch'
}

const DEFAULT_PBKDF2_ITERATIONS = 1_000_000
const PBKDF2_DIGESTS = new Set(['sha1', 'sha224', 'sha256', 'sha384', 'sha512'])
const MAX_SCRYPT_N = 2 ** 20
const MAX_PBKDF2_ITERATIONS = 10_000_000

export async function checkWerkzeugPassword(stored: unknown, password: string): Promise<PasswordVerdict> {
  // doc.get("senha_hash", "") must be a str; None or another type makes Python raise.
  if (stored === undefined) return 'mismatch'
  if (typeof stored !== 'string') return 'unsupported'
  const first = stored.indexOf('$')
  const second = first === -1 ? -1 : stored.indexOf('$', first + 1)
  if (second === -1) return 'mismatch' // pwhash.split("$", 2) unpacking fails: False
  const method = stored.slice(0, first)
  const salt = Buffer.from(stored.slice(first + 1, second), 'utf8')
  const expected = stored.slice(second + 1)
  // hmac.compare_digest on str raises TypeError for non-ASCII
  if (/[^\x00-\x7f]/.test(expected)) return 'unsupported'
  const secret = Buffer.from(password, 'utf8')

  const [name, ...args] = method.split(':')
  let computed: Buffer
  if (name === 'scrypt') {
    let params = { N: 2 ** 15, r: 8, p: 1 }
    if (args.length > 0) {
      if (args.length !== 3 || !args.every((arg) => /^[1-9][0-9]{0,8}$/.test(arg))) return 'unsupported'
      const [N, r, p] = args.map(Number) as [number, number, number]
      params = { N, r, p }
    }
    const { N, r, p } = params
    // OpenSSL's limits, with Werkzeug's maxmem = 132*N*r*p (Python raises when scrypt needs more).
    if (N < 2 || (N & (N - 1)) !== 0 || N > MAX_SCRYPT_N || r * p > 64 || 128 * r * (N + 2 + p) > 132 * N * r * p) {
      return 'unsupported'
    }
    computed = await scryptAsync(secret, salt, 64, { N, r, p, maxmem: 132 * N * r * p + 1024 * 1024 })
  } else if (name === 'pbkdf2') {
    if (args.length > 2) return 'unsupported'
    const digest = args[0] ?? 'sha256'
    if (!PBKDF2_DIGESTS.has(digest)) return 'unsupported'
    let iterations = DEFAULT_PBKDF2_ITERATIONS
    if (args.length === 2) {
      if (!/^[1-9][0-9]{0,7}$/.test(args[1]!)) return 'unsupported'
      iterations = Number(args[1])
      if (iterations > MAX_PBKDF2_ITERATIONS) return 'unsupported'
    }
    computed = await pbkdf2Async(secret, salt, iterations, digestLength(digest), digest)
  } else {
    return 'unsupported' // Werkzeug raises ValueError("Invalid hash method")
  }
  const actual = Buffer.from(computed.toString('hex'), 'ascii')
  const wanted = Buffer.from(expected, 'ascii')
  return actual.length === wanted.length && timingSafeEqual(actual, wanted) ? 'match' : 'mismatch'
}

function digestLength(digest: string): number {
  return { sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 }[digest] ?? 32
}

function scryptAsync(password: BinaryLike, salt: BinaryLike, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key))))
}

function pbkdf2Async(password: BinaryLike, salt: BinaryLike, iterations: number, keylen: number, digest: string): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    pbkdf2(password, salt, iterations, keylen, digest, (error, key) => (error ? reject(error) : resolve(key))),
  )
}
