import { afterEach, describe, expect, it, vi } from 'vitest'
import { encodeSession, openSession } from '../../compat/flask/session.js'
import { createSessionOpener } from './session-opener.js'

const keys = ['current', 'previous']
const nowSeconds = () => Math.floor(Date.now() / 1000)

afterEach(() => vi.useRealTimers())

describe('createSessionOpener', () => {
  it('answers what openSession answers, for good, tampered, foreign, absent and oversized cookies, on a miss and on a hit', () => {
    const good = encodeSession({ _user_id: 'abc', _fresh: true }, 'current')
    const cookies = [good, encodeSession({ n: [1, { x: 'ç' }] }, 'previous'), `${good.slice(0, -2)}xx`, encodeSession({ a: 1 }, 'other'), undefined, '', 'x'.repeat(5000)]
    const open = createSessionOpener({ secretKeys: keys, maxEntries: 10 })
    for (const round of ['miss', 'hit']) {
      for (const cookie of cookies) expect(open(cookie), `${round} ${cookie?.slice(0, 20)}`).toEqual(openSession(cookie, { secretKeys: keys }))
    }
  })

  it('remembers a verified cookie (the same data comes back) and nothing with maxEntries 0', () => {
    const cookie = encodeSession({ _user_id: 'abc' }, 'current')
    const cached = createSessionOpener({ secretKeys: keys, maxEntries: 10 })
    const first = cached(cookie)
    const second = cached(cookie)
    expect(first.ok && second.ok && first.data === second.data).toBe(true)
    const uncached = createSessionOpener({ secretKeys: keys, maxEntries: 0 })
    const a = uncached(cookie)
    const b = uncached(cookie)
    expect(a.ok && b.ok && a.data !== b.data).toBe(true)
  })

  it('expires a remembered cookie exactly when Flask would: the age rule is applied on every hit', () => {
    vi.useFakeTimers({ now: new Date('2026-12-03T12:00:00Z') })
    const cookie = encodeSession({ _user_id: 'abc' }, 'current', nowSeconds())
    const open = createSessionOpener({ secretKeys: keys, maxAgeSeconds: 100, maxEntries: 10 })
    expect(open(cookie).ok).toBe(true)
    vi.setSystemTime(Date.now() + 100_000)
    expect(open(cookie).ok).toBe(true)
    vi.setSystemTime(Date.now() + 1000)
    expect(open(cookie)).toEqual({ ok: false, reason: 'expired' })
    expect(openSession(cookie, { secretKeys: keys, maxAgeSeconds: 100 })).toEqual({ ok: false, reason: 'expired' })
  })

  it('keeps at most maxEntries cookies', () => {
    const open = createSessionOpener({ secretKeys: keys, maxEntries: 2 })
    const [a, b, c] = ['a', 'b', 'c'].map((id) => encodeSession({ _user_id: id }, 'current'))
    const firstA = open(a)
    open(b)
    open(c)
    const againA = open(a)
    // a was the least recently used of three: evicted, so verified anew (new data object).
    expect(firstA.ok && againA.ok && firstA.data !== againA.data).toBe(true)
  })
})
