import { describe, expect, it } from 'vitest'
import { DUMMY_PASSWORD_HASH, checkWerkzeugPassword } from './password.js'

// Made by werkzeug.security.generate_password_hash (Werkzeug 3.1.9) for the password "s3nhá".
const HASHES = {
  scrypt: 'scrypt:16384:8:1$9UiflwRx$63011bf1f242a882e82e26a4b3f91f0ce4d9218faa75e5461b176a0ee6f9b9576f72c39d387f7ac613e689fb81128e6026e4bef7d40f83eea408c5334003eff6',
  scryptDefault: 'scrypt:32768:8:1$6aE52jIkZOGOCNIw$058f1076446909af868b4a2a000401ee9c86762260de6a1300b40c8b30871c24318ab2e0625b394e2686d1526290d5821e9f9271ca9dcfdc4c377b9d6876832f',
  pbkdf2: 'pbkdf2:sha256:1000$4WwkK3vKVe3OOCY3$ba77453a67ceaab85b12edd791afa255382b35988969d62b25613cf3381ebbad',
  pbkdf2Sha512: 'pbkdf2:sha512:1000$tkEhf0kBTiSceKgx$dd9f077ac2cff5b192559f57f27231851d61283e78acac397777dbddac5759baf073df1b23264bdb2d5f73917ca3d1fe598c568abb98d1a094b35090f78b9062',
}

describe('checkWerkzeugPassword', () => {
  it.each(Object.entries(HASHES))('%s: the right password matches, others do not', async (_name, hash) => {
    expect(await checkWerkzeugPassword(hash, 's3nhá')).toBe('match')
    expect(await checkWerkzeugPassword(hash, 's3nha')).toBe('mismatch')
    expect(await checkWerkzeugPassword(hash, '')).toBe('mismatch')
  })

  it('a tampered digest or a digest in upper case does not match (compare_digest on the hex text)', async () => {
    expect(await checkWerkzeugPassword(HASHES.pbkdf2.replace(/.$/, '0'), 's3nhá')).toBe('mismatch')
    const [method, salt, hex] = HASHES.pbkdf2.split('$') as [string, string, string]
    expect(await checkWerkzeugPassword(`${method}$${salt}$${hex.toUpperCase()}`, 's3nhá')).toBe('mismatch')
  })

  it('missing or empty hash: False, like check_password_hash', async () => {
    expect(await checkWerkzeugPassword(undefined, 'x')).toBe('mismatch')
    expect(await checkWerkzeugPassword('', 'x')).toBe('mismatch')
    expect(await checkWerkzeugPassword('scrypt$only-one-dollar', 'x')).toBe('mismatch')
  })

  it('formats Werkzeug raises on (or the gateway does not reproduce) are "unsupported"', async () => {
    for (const hash of ['plain$salt$abc', 'scrypt:1:2$s$abc', 'scrypt:16384:8:x$s$abc', 'pbkdf2:md5:1000$s$abc', 'pbkdf2:sha256:1:2$s$abc', 'scrypt:3:8:1$s$abc', 'pbkdf2:sha256:1000$s$é']) {
      expect(await checkWerkzeugPassword(hash, 'x'), hash).toBe('unsupported')
    }
    expect(await checkWerkzeugPassword(null, 'x')).toBe('unsupported')
  })

  it('the dummy hash is a verifiable scrypt hash with Werkzeug\'s default parameters (so it costs a real check)', async () => {
    expect(DUMMY_PASSWORD_HASH).toMatch(/^scrypt:32768:8:1\$[A-Za-z0-9]{16}\$[0-9a-f]{128}$/)
    expect(await checkWerkzeugPassword(DUMMY_PASSWORD_HASH, 'demo1234')).toBe('mismatch')
  })
})
