import { describe, expect, it } from 'vitest'
import { MemoryResponseCache, bodyEtag } from './response-cache.js'

describe('bodyEtag', () => {
  // Expected: base64url(sha1(body.encode("utf-8"))), from Python's hashlib.
  it('is the SHA-1 of the UTF-8 body, however the string was built', () => {
    expect(bodyEtag('{"nome":"Construção 😀"}\n')).toBe('W/"NPvXxzLp_mEF7Vl9zdKoCu4-clE"')
    let pieces = '{"nome":"Constru'
    for (const piece of ['ç', 'ão', ' ', '😀', '"}', '\n']) pieces += piece
    expect(bodyEtag(pieces)).toBe('W/"NPvXxzLp_mEF7Vl9zdKoCu4-clE"')
    expect(bodyEtag('{"nome":"Construcao"}\n')).not.toBe('W/"NPvXxzLp_mEF7Vl9zdKoCu4-clE"')
  })
})

describe('MemoryResponseCache', () => {
  it('never holds more than maxEntries, however many distinct keys (e.g. categoria values) clients send', async () => {
    const cache = new MemoryResponseCache(60_000, 100)
    for (let i = 0; i < 50_000; i++) await cache.getOrCompute(`hierarquia?categoria=${i}`, async () => `body ${i}\n`)
    expect(cache.size).toBe(100)
    // The most recent ones are the ones kept.
    let computed = false
    await cache.getOrCompute('hierarquia?categoria=49999', async () => ((computed = true), 'again\n'))
    expect(computed).toBe(false)
  })

  it('honours the TTL: an expired entry is computed again', async () => {
    const cache = new MemoryResponseCache(50, 10)
    let computations = 0
    const compute = async () => `body ${++computations}\n`
    expect((await cache.getOrCompute('k', compute)).body).toBe('body 1\n')
    expect((await cache.getOrCompute('k', compute)).body).toBe('body 1\n')
    await new Promise((resolve) => setTimeout(resolve, 120))
    expect((await cache.getOrCompute('k', compute)).body).toBe('body 2\n')
  })

  it('an invalidation drops every entry', async () => {
    const cache = new MemoryResponseCache(60_000, 10)
    await cache.getOrCompute('a', async () => 'a\n')
    await cache.invalidate()
    expect(cache.size).toBe(0)
  })
})
