import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config.js'

const required = { MONGODB_URI: 'mongodb://127.0.0.1:27017', SECRET_KEY: 'k' }

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(required)
    expect(config).toMatchObject({
      PORT: 3000,
      LEGACY_URL: 'http://127.0.0.1:5000',
      MONGODB_DB: 'estoque',
      SECRET_KEY_FALLBACKS: [],
      BODY_LIMIT_BYTES: 1024 * 1024,
    })
  })

  it('performance settings: one process, cache off, compression and ETag on, buffered logs by default', () => {
    expect(loadConfig(required)).toMatchObject({ WEB_CONCURRENCY: 1, CACHE_TTL_MS: 0, COMPRESSION: true, ETAG: true, LOG_FLUSH_MS: 100, LEGACY_KEEP_ALIVE: true })
    expect(loadConfig({ ...required, LEGACY_KEEP_ALIVE: 'off' }).LEGACY_KEEP_ALIVE).toBe(false)
    expect(loadConfig(required).REDIS_URL).toBeUndefined()
    const config = loadConfig({ ...required, WEB_CONCURRENCY: '2', CACHE_TTL_MS: '5000', REDIS_URL: 'redis://127.0.0.1:6379', COMPRESSION: 'off', ETAG: '0' })
    expect(config).toMatchObject({ WEB_CONCURRENCY: 2, CACHE_TTL_MS: 5000, REDIS_URL: 'redis://127.0.0.1:6379', COMPRESSION: false, ETAG: false })
  })

  it('database admission, session user cache, metrics and driver settings', () => {
    expect(loadConfig(required)).toMatchObject({
      MONGODB_MAX_CONCURRENT_REQUESTS: 8,
      MONGODB_MAX_QUEUED_REQUESTS: 1000,
      MONGODB_QUEUE_TIMEOUT_MS: 10_000,
      MONGODB_UTF8_VALIDATION: true,
      SESSION_USER_CACHE_TTL_MS: 1000,
      SESSION_USER_CACHE_MAX: 1000,
      REQUEST_METRICS: true,
    })
    const config = loadConfig({ ...required, MONGODB_MAX_CONCURRENT_REQUESTS: '0', SESSION_USER_CACHE_TTL_MS: '0', REQUEST_METRICS: 'off', MONGODB_UTF8_VALIDATION: 'off' })
    expect(config).toMatchObject({ MONGODB_MAX_CONCURRENT_REQUESTS: 0, SESSION_USER_CACHE_TTL_MS: 0, REQUEST_METRICS: false, MONGODB_UTF8_VALIDATION: false })
    expect(() => loadConfig({ ...required, SESSION_USER_CACHE_TTL_MS: '120000' })).toThrow(/SESSION_USER_CACHE_TTL_MS/)
    expect(() => loadConfig({ ...required, MONGODB_MAX_CONCURRENT_REQUESTS: '-1' })).toThrow(/MONGODB_MAX_CONCURRENT_REQUESTS/)
  })

  it('treats empty strings as unset', () => {
    expect(loadConfig({ ...required, PORT: '', MONGODB_DB: '' })).toMatchObject({ PORT: 3000, MONGODB_DB: 'estoque' })
  })

  it('coerces numbers, trims the legacy URL and splits key fallbacks', () => {
    const config = loadConfig({ ...required, PORT: '8080', LEGACY_URL: 'http://legacy.example.com/', SECRET_KEY_FALLBACKS: 'old1, old2,' })
    expect(config.PORT).toBe(8080)
    expect(config.LEGACY_URL).toBe('http://legacy.example.com')
    expect(config.SECRET_KEY_FALLBACKS).toEqual(['old1', 'old2'])
  })

  it('names every missing required variable', () => {
    const error = captureError(() => loadConfig({}))
    expect(error).toBeInstanceOf(ConfigError)
    expect(error.problems.map((problem) => problem.split(':')[0])).toEqual(['MONGODB_URI', 'SECRET_KEY'])
  })

  it.each([
    ['PORT', '70000'],
    ['PORT', 'abc'],
    ['LEGACY_URL', 'ftp://legacy'],
    ['LEGACY_URL', 'not a url'],
    ['MONGODB_URI', 'postgres://db'],
    ['MONGODB_DB', 'bad/name'],
    ['LOG_LEVEL', 'loud'],
    ['BODY_LIMIT_BYTES', '-1'],
    ['WEB_CONCURRENCY', '0'],
    ['CACHE_TTL_MS', '-5'],
    ['REDIS_URL', 'http://cache'],
    ['COMPRESSION', 'maybe'],
  ])('rejects %s=%s with a message naming the variable', (name, value) => {
    const error = captureError(() => loadConfig({ ...required, [name]: value }))
    expect(error.problems).toHaveLength(1)
    expect(error.problems[0]).toMatch(new RegExp(`^${name}: `))
  })
})

function captureError(action: () => unknown): ConfigError {
  try {
    action()
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error('expected a ConfigError')
}
