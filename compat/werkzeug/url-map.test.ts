import { describe, expect, it } from 'vitest'
import { compileUrlMap, type UrlRule } from './url-map.js'

const rule = (path: string, endpoint: string, methods: string[] = ['GET', 'HEAD', 'OPTIONS'], extra: Partial<UrlRule> = {}): UrlRule => ({
  endpoint, rule: path, methods, provideAutomaticOptions: true, ...extra,
})

const map = compileUrlMap([
  rule('/items', 'list'),
  rule('/items', 'create', ['OPTIONS', 'POST']),
  rule('/items/<int:id>', 'by_number'),
  rule('/items/<id>', 'by_name'),
  rule('/items/new', 'new_form'),
  rule('/files/<path:name>', 'file'),
  rule('/dir/', 'dir'),
  rule('/loose/', 'loose', undefined, { strictSlashes: false }),
  rule('/a//b', 'nomerge', undefined, { mergeSlashes: false }),
  rule('/range/<int(max=10):n>', 'range'),
  rule('/range/<n>', 'range_text'),
])

describe('compileUrlMap(...).match', () => {
  it('static before dynamic, int before string', () => {
    expect(map.match('GET', '/items/new')).toMatchObject({ endpoint: 'new_form' })
    expect(map.match('GET', '/items/42')).toMatchObject({ endpoint: 'by_number', params: { id: 42 } })
    expect(map.match('GET', '/items/x42')).toMatchObject({ endpoint: 'by_name', params: { id: 'x42' } })
  })

  it('decodes the path first', () => {
    expect(map.match('POST', '/%69tems')).toMatchObject({ endpoint: 'create' })
    expect(map.match('GET', '/files/a%2Fb/c')).toMatchObject({ endpoint: 'file', params: { name: 'a/b/c' } })
  })

  it('a converter that refuses its value is a 404, not the next rule', () => {
    expect(map.match('GET', '/range/11')).toEqual({ kind: 'not-found' })
    expect(map.match('GET', '/range/x')).toMatchObject({ endpoint: 'range_text' })
  })

  it('methods: 405 with the methods of every rule reached; HEAD/OPTIONS as exported', () => {
    expect(map.match('DELETE', '/items')).toEqual({ kind: 'method-not-allowed', allowed: ['GET', 'HEAD', 'OPTIONS', 'POST'] })
    expect(map.match('OPTIONS', '/items')).toMatchObject({ endpoint: 'list', automaticOptions: true })
  })

  it('strict slashes redirect to the branch; not-strict rules match both', () => {
    expect(map.match('GET', '/dir?q=1', { host: 'Example.COM:80' })).toEqual({ kind: 'redirect', location: 'http://example.com/dir/?q=1' })
    expect(map.match('GET', '/dir', { host: 'h', scheme: 'https' })).toEqual({ kind: 'redirect', location: 'https://h/dir/' })
    expect(map.match('GET', '/loose')).toMatchObject({ endpoint: 'loose' })
    expect(map.match('GET', '/items/')).toEqual({ kind: 'not-found' })
  })

  it('merge slashes: a redirect to the merged path, unless the rule opts out', () => {
    expect(map.match('GET', '/items//42')).toEqual({ kind: 'redirect', location: '/items/42' })
    expect(map.match('GET', '///items')).toMatchObject({ kind: 'match', endpoint: 'list' })
    expect(map.match('GET', '/a//b')).toMatchObject({ kind: 'match', endpoint: 'nomerge' })
    expect(map.match('GET', '/a/b')).toEqual({ kind: 'not-found' })
  })

  it('quotes the redirect path like Werkzeug', () => {
    expect(map.match('GET', '/dir%2f%2f%C3%A9%25')).toEqual({ kind: 'not-found' })
    expect(compileUrlMap([rule('/é/', 'e')]).match('GET', '/%C3%A9')).toEqual({ kind: 'redirect', location: '/%C3%A9/' })
  })

  it('passes gunicorn refusals on as bad-request', () => {
    expect(map.match('GET', '/items\u00e9')).toMatchObject({ kind: 'bad-request' })
  })
})
