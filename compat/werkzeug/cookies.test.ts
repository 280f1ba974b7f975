import { describe, expect, it } from 'vitest'
import { getCookie, hasCookie, parseCookieHeader } from './cookies.js'

// Expected values from werkzeug.http.parse_cookie (Werkzeug 3.1.9), items(multi=True).
describe('parseCookieHeader (Werkzeug parse_cookie)', () => {
  it.each([
    ['a=1; b=2', [['a', '1'], ['b', '2']]],
    ['session="a\\"b\\101"; session=x', [['session', 'a"bA'], ['session', 'x']]],
    [' x = y ;bad"q=1; z', [['x', 'y'], ['z', '']]],
    ['a=b c; d=e', [['d', 'e']]],
    ['k=v;;; =x; e', [['k', 'v'], ['e', '']]],
    ['', []],
    ['v=%41', [['v', '%41']]],
  ])('%j', (header, expected) => {
    expect(parseCookieHeader(header)).toEqual(expected)
  })

  it('getCookie takes the first value; hasCookie sees valueless cookies', () => {
    expect(getCookie('session=a; session=b', 'session')).toBe('a')
    expect(getCookie('x=1', 'session')).toBeUndefined()
    expect(hasCookie('remember_token', 'remember_token')).toBe(true)
    expect(hasCookie('remember_tokens=1', 'remember_token')).toBe(false)
    expect(hasCookie(undefined, 'remember_token')).toBe(false)
  })
})
