import { describe, expect, it } from 'vitest'
import { bucketOf, canaryIdentity, inCanary } from './canary.js'
import { encodeSession } from '../compat/flask/session.js'

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

  it('keys a verified session on _user_id, else on the gw_canary cookie, issuing one when absent', () => {
    const keys = ['current', 'previous']
    const user = canaryIdentity(`a=1; session=${encodeSession({ _user_id: '0123456789ABCDEF01234567', _fresh: true }, 'previous')}`, keys)
    expect(user).toEqual({ key: 'user:0123456789abcdef01234567' })
    const forged = canaryIdentity(`session=${encodeSession({ _user_id: '0123456789abcdef01234567' }, 'other')}; gw_canary=AAAAAAAAAAAAAAAAAAAAAA`, keys)
    expect(forged).toEqual({ key: 'anon:AAAAAAAAAAAAAAAAAAAAAA' })
    const fresh = canaryIdentity('gw_canary=bad id', keys, () => 'BBBBBBBBBBBBBBBBBBBBBB')
    expect(fresh).toEqual({
      key: 'anon:BBBBBBBBBBBBBBBBBBBBBB',
      setCookie: 'gw_canary=BBBBBBBBBBBBBBBBBBBBBB; Max-Age=31536000; Path=/; HttpOnly; SameSite=Lax',
    })
    expect(canaryIdentity(undefined, keys).setCookie).toMatch(/^gw_canary=[A-Za-z0-9_-]{22}; /)
  })
})
