import { describe, expect, it } from 'vitest'
import { safeLocation, sameOriginLocation } from './safe-redirect.js'

const ORIGIN = 'http://gateway.test:8080'

describe('sameOriginLocation (WHATWG resolution, as a browser follows a redirect)', () => {
  it('refuses every spelling that leads to another origin', () => {
    const foreign = [
      '//evil.example',
      '///evil.example',
      '/\\evil.example',
      '\\\\evil.example',
      '\\/evil.example',
      '/\t/evil.example',
      '/\n/evil.example',
      '/\r\n/evil.example',
      ' //evil.example',
      '\x00//evil.example',
      'https://evil.example',
      'HTTPS://evil.example/x',
      'hTtP://evil.example',
      'https:evil.example',
      'http://gateway.test:8081/',
      'https://gateway.test:8080/',
      'http://gateway.test.evil.example/',
      'http://evil.example@gateway.test:8080@evil.example/',
      'javascript:alert(1)',
      'data:text/html,x',
      'ftp://gateway.test/',
      'http:\\\\evil.example',
    ]
    for (const location of foreign) expect(sameOriginLocation(location, ORIGIN), JSON.stringify(location)).toBe(false)
  })

  it('keeps paths of the same origin, encoded look-alikes included (browsers do not decode them)', () => {
    const same = [
      '/',
      '/estoque/',
      '/dashboard?x=1#y',
      '/%5Cevil.example',
      '/%2F/evil.example',
      '%2F%2Fevil.example',
      '/%09/evil.example',
      'estoque/',
      'http://gateway.test:8080/estoque/',
      'HTTP://GATEWAY.TEST:8080/x',
      '/a/../../evil.example',
      'http:evil.example', // same scheme: a relative path on this origin
    ]
    for (const location of same) expect(sameOriginLocation(location, ORIGIN), JSON.stringify(location)).toBe(true)
  })

  it('an unusable origin keeps nothing', () => {
    expect(sameOriginLocation('/x', 'not a url')).toBe(false)
  })

  it('safeLocation answers the fallback for a foreign target', () => {
    expect(safeLocation('/\\evil.example', ORIGIN, '/')).toBe('/')
    expect(safeLocation('/estoque/', ORIGIN, '/')).toBe('/estoque/')
  })
})
