import { describe, expect, it } from 'vitest'
import { gunicornTarget } from './request-target.js'

const pathOf = (method: string, target: string) => {
  const result = gunicornTarget(method, target)
  return result.ok ? { pathInfo: result.pathInfo, query: result.queryString } : result.reason
}

describe('gunicornTarget: raw request target → what Werkzeug matches', () => {
  it('percent-decodes the path, not the query; UTF-8 with replacement', () => {
    expect(pathOf('GET', '/api/%6dov?x=%2F')).toEqual({ pathInfo: '/api/mov', query: 'x=%2F' })
    expect(pathOf('GET', '/a%2Fb')).toEqual({ pathInfo: '/a/b', query: '' })
    expect(pathOf('GET', '/%C3%A9%FF%zz%4')).toEqual({ pathInfo: '/é\ufffd%zz%4', query: '' })
    expect(pathOf('GET', '/%EF%BB%BFx')).toEqual({ pathInfo: '/\ufeffx', query: '' })
  })

  it('splits fragments and handles absolute-form and //', () => {
    expect(pathOf('GET', '/a#b?c')).toEqual({ pathInfo: '/a', query: '' })
    expect(pathOf('GET', 'http://host/a?b')).toEqual({ pathInfo: '/a', query: 'b' })
    expect(pathOf('GET', 'http://host')).toEqual({ pathInfo: '', query: '' })
    expect(pathOf('GET', '//host/a')).toEqual({ pathInfo: '//host/a', query: '' })
    expect(pathOf('GET', '1http://x/a')).toEqual({ pathInfo: '1http://x/a', query: '' })
    expect(pathOf('GET', 'http://[::1/a')).toBe('unparsable request target')
    expect(pathOf('GET', 'http://[1.2.3.4]/a')).toBe('unparsable request target')
  })

  it('refuses what gunicorn refuses', () => {
    expect(pathOf('GET', '/caf\u00e9')).toBe('invalid request target')
    expect(pathOf('GET', '*')).toBe('asterisk-form without OPTIONS')
    expect(pathOf('OPTIONS', '*')).toEqual({ pathInfo: '*', query: '' })
    expect(pathOf('GET', 'host:80')).toBe('authority-form without CONNECT')
    expect(pathOf('get', '/')).toBe('invalid method')
    expect(pathOf('GET', `/${'x'.repeat(4094 - 'GET / HTTP/1.1'.length)}`)).toMatchObject({ query: '' })
    expect(pathOf('GET', `/${'x'.repeat(4095 - 'GET / HTTP/1.1'.length)}`)).toBe('request line too long')
  })
})
