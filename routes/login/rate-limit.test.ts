import { describe, expect, it } from 'vitest'
import { FixedWindowLimiter } from './rate-limit.js'

describe('FixedWindowLimiter', () => {
  it('allows `limit` hits per window, then answers with the seconds left', () => {
    const limiter = new FixedWindowLimiter(3, 60_000)
    for (let index = 0; index < 3; index += 1) expect(limiter.hit('k', 1_000).allowed).toBe(true)
    expect(limiter.hit('k', 1_000)).toEqual({ allowed: false, retryAfterSeconds: 60 })
    expect(limiter.check('k', 30_500)).toEqual({ allowed: false, retryAfterSeconds: 31 })
    expect(limiter.hit('other', 1_000).allowed).toBe(true)
    expect(limiter.hit('k', 61_000).allowed).toBe(true) // new window
  })

  it('check does not count; reset forgets', () => {
    const limiter = new FixedWindowLimiter(1, 60_000)
    expect(limiter.check('k', 0).allowed).toBe(true)
    expect(limiter.hit('k', 0).allowed).toBe(true)
    expect(limiter.check('k', 0).allowed).toBe(false)
    limiter.reset('k')
    expect(limiter.check('k', 0).allowed).toBe(true)
  })

  it('refund takes one hit back within the window, never below zero', () => {
    const limiter = new FixedWindowLimiter(2, 60_000)
    limiter.hit('k', 0)
    limiter.hit('k', 0)
    expect(limiter.check('k', 0).allowed).toBe(false)
    limiter.refund('k', 0)
    expect(limiter.check('k', 0).allowed).toBe(true)
    limiter.refund('k', 0)
    limiter.refund('k', 0)
    expect(limiter.hit('k', 0).allowed).toBe(true)
    expect(limiter.hit('k', 0).allowed).toBe(true)
    expect(limiter.hit('k', 0).allowed).toBe(false)
  })

  it('keeps at most maxKeys entries', () => {
    const limiter = new FixedWindowLimiter(1, 60_000, 10)
    for (let index = 0; index < 100; index += 1) limiter.hit(`k${index}`, index)
    expect(limiter.size).toBeLessThanOrEqual(10)
  })
})
