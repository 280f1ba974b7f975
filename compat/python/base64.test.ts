import { describe, expect, it } from 'vitest'
import { base64UrlEncode, itsdangerousBase64Decode } from './base64.js'

// Expected values from itsdangerous.encoding.base64_decode (Python 3.11, itsdangerous 2.2).
const hex = (value: string | Uint8Array | null) => (value === null ? null : Buffer.from(value).toString('hex'))

describe('itsdangerous base64', () => {
  it('encodes URL-safe without padding', () => {
    expect(base64UrlEncode(Buffer.from([0xfb, 0xff]))).toBe('-_8')
    expect(base64UrlEncode(Buffer.from('ab'))).toBe('YWI')
  })

  it.each([
    ['YWI', '6162'],
    ['YWJj', '616263'],
    ['-_8', 'fbff'],
    ['+/8', 'fbff'], // the standard alphabet is accepted too
    ['YW!!I', '6162'], // characters outside the alphabet are skipped (padding counts them)
    ['Y W I', '6162'],
    ['YWI=a', '6162'],
    ['YWÿI', '6162'], // non-ASCII dropped
    ['YWI=', '6162'],
    ['YWI==junk', '6162'], // a complete pad sequence ends the input
    ['', ''],
  ])('decodes %j leniently like Python', (input, expected) => {
    expect(hex(itsdangerousBase64Decode(input))).toBe(expected)
  })

  it.each(['Y', 'YWJjZ', 'Y====', 'YW!I', 'YW=I'])('rejects %j like Python (incomplete quad)', (input) => {
    expect(itsdangerousBase64Decode(input)).toBeNull()
  })

  it('bytes input keeps high bytes: they count for the padding, then are skipped (Python bytes path)', () => {
    expect(itsdangerousBase64Decode(Buffer.from([0x59, 0x57, 0xff, 0x49]))).toBeNull()
    expect(itsdangerousBase64Decode(Buffer.from([0x59, 0x57, 0x49, 0xff]))).toBeNull()
    expect(hex(itsdangerousBase64Decode(Buffer.from([0x59, 0x57, 0xff, 0xff, 0x49])))).toBe('6162')
  })

  it('round-trips random bytes', () => {
    for (let length = 0; length < 64; length += 1) {
      const bytes = Buffer.from(Array.from({ length }, (_, index) => (index * 37 + length) & 0xff))
      expect(hex(itsdangerousBase64Decode(base64UrlEncode(bytes)))).toBe(bytes.toString('hex'))
    }
  })
})
