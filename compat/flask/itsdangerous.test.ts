import { describe, expect, it } from 'vitest'
import { deriveKey } from './itsdangerous.js'

// Expected values from itsdangerous 2.2: Signer(key, salt="cookie-session", key_derivation="hmac").derive_key().
const K1 = 'c85bb41617549532a436bd7250af37dcfc5bce03'
const NON_ASCII = '545dcb6f2629b9cb3e53e23a1853994342587bd7'

describe('deriveKey', () => {
  it("is itsdangerous' hmac derivation, the same on every call", () => {
    expect(deriveKey('k1', 'cookie-session').toString('hex')).toBe(K1)
    expect(deriveKey('kéy', 'cookie-session').toString('hex')).toBe(NON_ASCII)
    expect(deriveKey('k1', 'cookie-session').toString('hex')).toBe(K1)
    expect(deriveKey('k1', 'another-salt').toString('hex')).not.toBe(K1)
  })

  it('stays right past the number of keys it keeps', () => {
    for (let i = 0; i < 40; i++) expect(deriveKey(`key-${i}`, 'cookie-session').toString('hex')).not.toBe(K1)
    expect(deriveKey('k1', 'cookie-session').toString('hex')).toBe(K1)
    expect(deriveKey('kéy', 'cookie-session').toString('hex')).toBe(NON_ASCII)
  })
})
