import { describe, expect, it } from 'vitest'
import { bucketOf, inCanary, stickyKey } from './canary.js'

describe('canary selection', () => {
  it('is deterministic per key and monotonic in the percentage', () => {
    const key = 'session:eyJfdXNlcl9pZCI6IjEifQ'
    expect(bucketOf(key)).toBe(bucketOf(key))
    const bucket = bucketOf(key)
    expect(inCanary(key, bucket)).toBe(false)
    expect(inCanary(key, bucket + 1)).toBe(true)
    expect(inCanary(key, 0)).toBe(false)
    expect(inCanary(key, 100)).toBe(true)
  })

  it('spreads keys roughly evenly', () => {
    const chosen = Array.from({ length: 10_000 }, (_, index) => inCanary(`session:${index}`, 25)).filter(Boolean).length
    expect(chosen).toBeGreaterThan(2_000)
    expect(chosen).toBeLessThan(3_000)
  })

  it('keys on the session payload, ignoring the re-signed timestamp and signature', () => {
    const first = stickyKey('a=1; session=.eJyrVkrLz.ZxYz.sig1', '10.0.0.1')
    const resigned = stickyKey('session=.eJyrVkrLz.ZxZZ.sig2; b=2', '10.0.0.2')
    expect(first).toBe('session:eJyrVkrLz')
    expect(resigned).toBe(first)
    expect(stickyKey(undefined, '10.0.0.3')).toBe('ip:10.0.0.3')
    expect(stickyKey('mysession=abc', '10.0.0.3')).toBe('ip:10.0.0.3')
  })
})
