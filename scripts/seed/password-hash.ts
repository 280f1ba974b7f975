// Werkzeug-compatible password hashes (werkzeug.security.generate_password_hash), so the legacy Flask app
// accepts the seeded users. The salt is the text itself: Werkzeug feeds salt.encode('utf-8') to the KDF.
import { pbkdf2, scrypt } from 'node:crypto'
import { promisify } from 'node:util'

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: string,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>
const pbkdf2Async = promisify(pbkdf2)

/** `scrypt:32768:8:1$<salt>$<hex>`, Werkzeug's default method. */
export async function werkzeugScrypt(password: string, salt: string): Promise<string> {
  const [n, r, p] = [32768, 8, 1]
  // N=32768, r=8 needs 128*N*r = 32 MiB, above node's default maxmem of exactly 32 MiB.
  const key = await scryptAsync(password, salt, 64, { N: n, r, p, maxmem: 64 * 1024 * 1024 })
  return `scrypt:${n}:${r}:${p}$${salt}$${key.toString('hex')}`
}

/** `pbkdf2:sha256:600000$<salt>$<hex>`, the method older Werkzeug versions used by default. */
export async function werkzeugPbkdf2(password: string, salt: string, iterations = 600_000): Promise<string> {
  const key = await pbkdf2Async(password, salt, iterations, 32, 'sha256')
  return `pbkdf2:sha256:${iterations}$${salt}$${key.toString('hex')}`
}
