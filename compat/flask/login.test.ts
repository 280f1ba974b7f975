import { describe, expect, it } from 'vitest'
import { encodeRememberCookie, forwardedForAtLegacy, identifierAtLegacy, pythonBytesRepr, sessionIdentifier } from './login.js'

describe('Flask-Login helpers', () => {
  it('pythonBytesRepr matches repr(bytes)', () => {
    expect(pythonBytesRepr(null)).toBe('None')
    expect(pythonBytesRepr(Buffer.from('127.0.0.1'))).toBe("b'127.0.0.1'")
    expect(pythonBytesRepr(Buffer.from("it's"))).toBe('b"it\'s"')
    expect(pythonBytesRepr(Buffer.from(`it's "q"`))).toBe(`b'it\\'s "q"'`)
    expect(pythonBytesRepr(Buffer.from('a\\b\t\n\r\x00\x7fé'))).toBe("b'a\\\\b\\t\\n\\r\\x00\\x7f\\xc3\\xa9'")
  })

  // Expected values from flask_login.utils._create_identifier() (Flask-Login 0.6.3) in a test request context.
  it.each([
    [null, '127.0.0.1', 'curl/8', 'e3b66b456272032cfccd37bff3478587d79e2c0f2719960c75c6a22aa25d6a0dc6a0b5e738c6d8b75e8533c3ae5d391ec6191d611561902ea5b09abda53a2371'],
    [null, '10.0.0.1', null, '177a1bd32eaf927180c90b4945cf08912b4d097e17548ad5b9b478660435809857cfb41e67563a59d9678d76b92447d776ccd565f3beb8f3f522e5b39dc7e3c3'],
    [' 1.2.3.4 , 5.6.7.8', '127.0.0.1', 'it\'s "q" \\ é', 'b98aed70cfad3418d705168d9fe8f863a288451922d942bfb6127377e7216c35bf59e4e3931f13601fdf3869d6cbe7e79429a22cabba6f1f1758bc70c9df7ff9'],
  ])('sessionIdentifier(xff=%j, addr=%j, ua=%j)', (xff, addr, ua, expected) => {
    expect(sessionIdentifier(xff, addr, ua)).toBe(expected)
  })

  it('forwardedForAtLegacy appends the peer like http-proxy xfwd', () => {
    expect(forwardedForAtLegacy(undefined, '127.0.0.1')).toBe('127.0.0.1')
    expect(forwardedForAtLegacy('', '127.0.0.1')).toBe('127.0.0.1')
    expect(forwardedForAtLegacy('1.2.3.4', '127.0.0.1')).toBe('1.2.3.4,127.0.0.1')
  })

  it('identifierAtLegacy is the identifier of the request as proxied, however often a client asks', () => {
    const request = (headers: Record<string, string | string[]>, remoteAddress = '127.0.0.1') => ({ headers, socket: { remoteAddress } })
    const cases = [
      [request({ 'user-agent': 'curl/8' }), sessionIdentifier('127.0.0.1', null, 'curl/8')],
      // No User-Agent and an empty one are different identifiers (None against b'').
      [request({}), sessionIdentifier('127.0.0.1', null, null)],
      [request({ 'user-agent': '' }), sessionIdentifier('127.0.0.1', null, '')],
      [request({ 'user-agent': 'curl/8', 'x-forwarded-for': ['1.2.3.4', '5.6.7.8'] }), sessionIdentifier('1.2.3.4, 5.6.7.8,127.0.0.1', null, 'curl/8')],
      [request({ 'user-agent': 'curl/8' }, '10.0.0.9'), sessionIdentifier('10.0.0.9', null, 'curl/8')],
    ] as const
    expect(new Set(cases.map(([, expected]) => expected)).size).toBe(cases.length)
    for (let round = 0; round < 2; round++) for (const [incoming, expected] of cases) expect(identifierAtLegacy(incoming)).toBe(expected)
  })

  it('encodeRememberCookie matches encode_cookie (latin-1 key, HMAC-SHA512 hex)', () => {
    expect(encodeRememberCookie('0123456789abcdef01234567', 'k1é')).toBe(
      '0123456789abcdef01234567|28e56b5552013915a3d2f4e6d2b88ea24e39978e6394367ce92c86b2f6d25b9a9240d0364a70afd45d5aa319931c05e22f7013e59501be920ea81a9571259ee4',
    )
    expect(() => encodeRememberCookie('x', 'kéy€')).toThrow()
  })
})
