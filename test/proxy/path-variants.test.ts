// Route matching agrees with Flask's: every spelling of a migrated path other than the exact canonical one
// (and every HEAD/OPTIONS/other method) goes to the legacy app, which answers it exactly as it would have
// answered the client directly. Legacy-only routes are never answered by the gateway, whatever the spelling.
// Requests are sent raw (node:http keeps the target byte for byte; fetch would normalize it).
import { describe, expect, it } from 'vitest'
import { seed } from '../../scripts/seed/index.js'
import { routeDeclarations } from '../../routes/index.js'
import { RouteRouter } from '../../core/router.js'
import { legacyUrlMap } from '../../gateway/routing/url-map.js'
import { expectLabelled, rawRequest, type RawResponse } from './support.js'
import { useTestStack } from '../support/stack.js'

const stack = useTestStack({ prefix: 'proxy_paths', seed: (db) => seed(db, { items: 15, movements: 40 }), legacy: { workers: 3 } })

type Case = { method: string; target: string }

/** Every other spelling of `path` that a client could send. */
function spellings(path: string): string[] {
  const slash = path.lastIndexOf('/')
  const [parent, last] = [path.slice(0, slash), path.slice(slash + 1)]
  const letter = last[0]!
  const hex = letter.charCodeAt(0).toString(16)
  return [
    `${path}/`,
    `/${path}`,
    `${parent}//${last}`,
    `${path}//`,
    path.toUpperCase(),
    `${parent}/${letter.toUpperCase()}${last.slice(1)}`,
    `${parent}/%${hex}${last.slice(1)}`,
    `${parent}/%${hex.toUpperCase()}${last.slice(1)}`,
    `${parent}%2F${last}`,
    `${parent}%2f${last}`,
    `${parent}/x/../${last}`,
    `${parent}/x/%2e%2e/${last}`,
    `${parent}/./${last}`,
    `/.${path}`,
    `${path}/.`,
    `${path};x=1`,
    `${parent};v=1/${last}`,
    `${path}%20`,
    `${path}%00`,
    `http://estoque.example${path}`,
    `http://estoque.example${path}?pagina=1`,
  ]
}

const router = new RouteRouter(routeDeclarations.filter((route) => route.mode === 'migrated'), legacyUrlMap())
const migrated = routeDeclarations
  .filter((route) => route.mode === 'migrated')
  .flatMap((route) => route.methods.map((method) => ({ method, path: route.rule })))
const otherMethods = (method: string) => ['OPTIONS', 'PUT', 'DELETE', 'PATCH', method === 'GET' ? 'POST' : 'GET']

const variantCases: Case[] = migrated.flatMap((route) => [
  ...spellings(route.path).map((target) => ({ method: route.method, target })),
  ...otherMethods(route.method)
    // HEAD is served by the GET view, as in Flask: it is a canonical case below.
    .filter((method) => !migrated.some((other) => other.path === route.path && (other.method === method || (method === 'HEAD' && other.method === 'GET'))))
    .map((method) => ({ method, target: route.path })),
])
const canonicalCases: Case[] = migrated.flatMap((route) => [
  { method: route.method, target: route.path },
  { method: route.method, target: `${route.path}?pagina=1&x=%2F` },
  { method: route.method, target: `${route.path}?` },
  ...(route.method === 'GET' ? [{ method: 'HEAD', target: route.path }] : []),
])
// A route no declaration migrates: the legacy diagnostic view (every method; it echoes the request as it arrived).
const LEGACY_ONLY = '/api/diagnostico/requisicao'
const legacyOnlyCases: Case[] = [LEGACY_ONLY].flatMap((path) => [
  { method: 'GET', target: path },
  { method: 'HEAD', target: path },
  { method: 'OPTIONS', target: path },
  { method: 'POST', target: path },
  ...spellings(path).map((target) => ({ method: 'GET', target })),
])

/** JSON `{}` for writes: every write variant that reaches a view is refused by validation, never applied. */
function send(baseUrl: string, { method, target }: Case): Promise<RawResponse> {
  const write = method === 'POST' || method === 'PUT' || method === 'PATCH' || method === 'DELETE'
  return rawRequest(baseUrl, {
    method,
    target,
    headers: { cookie: stack().cookie, ...(write ? { 'content-type': 'application/json', 'content-length': 2 } : {}) },
    body: write ? '{}' : undefined,
  })
}

/** What a client can observe, with the two origins and request ids made comparable. */
function observable(response: RawResponse, ownHost: string) {
  const unhost = (text: string) => text.split(ownHost).join('<host>')
  return {
    status: response.status,
    contentType: response.headers['content-type'],
    location: response.headers.location === undefined ? undefined : unhost(response.headers.location),
    allow: response.headers.allow,
    body: response.body.toString('latin1').replace(/"requestId":\s*"[^"]*"/g, '"requestId":"…"'),
  }
}

/** JSON bodies compared as values; others (the CSV report) as text. */
const bodyOf = (response: RawResponse): unknown =>
  String(response.headers['content-type']).startsWith('application/json') ? JSON.parse(response.body.toString('utf8')) : response.body.toString('utf8')

describe('route matching agrees with Flask', () => {
  it.each(variantCases)('$method $target is answered as the legacy url map routes it, with the legacy answer', async (request) => {
    const [via, direct] = await Promise.all([send(stack().gateway.url, request), send(stack().legacy.url, request)])
    // Werkzeug dispatches some spellings (percent-encoded letters, absolute-form) to the migrated view: the
    // gateway answers those; every redirect, 404 and 405 is the legacy app's own.
    const routed = router.route(request.method, request.target)
    expectLabelled(via, routed ? 'gateway' : 'legacy')
    const [gatewaySide, legacySide] = [observable(via, new URL(stack().gateway.url).host), observable(direct, new URL(stack().legacy.url).host)]
    if (!routed) {
      // The legacy app saw the gateway's Host (rewritten to its own), so absolute URLs in bodies match;
      // a Location on the legacy host is rewritten to the gateway's.
      expect(gatewaySide).toEqual(legacySide)
      return
    }
    expect({ ...gatewaySide, body: bodyOf(via) }).toEqual({ ...legacySide, body: bodyOf(direct) })
  })

  it.each(canonicalCases)('$method $target (the exact canonical path) is answered by the gateway', async (request) => {
    const [via, direct] = await Promise.all([send(stack().gateway.url, request), send(stack().legacy.url, request)])
    expectLabelled(via, 'gateway')
    expect(via.status).toBeLessThan(500)
    expect([via.status, via.headers['content-type']]).toEqual([direct.status, direct.headers['content-type']])
    if (request.method === 'HEAD') expect(via.body.length).toBe(0)
  })

  it.each(legacyOnlyCases)('legacy-only route: $method $target is never answered by the gateway', async (request) => {
    const [via, direct] = await Promise.all([send(stack().gateway.url, request), send(stack().legacy.url, request)])
    expectLabelled(via, 'legacy')
    // The echo's header list differs by what the proxy adds (X-Forwarded-*, X-Request-Id); everything else
    // it echoes (method, raw target, path, query, host, scheme, body digest) must be the same.
    const comparable = (response: RawResponse, host: string) => {
      const seen = observable(response, host)
      if (response.status !== 200 || response.body.length === 0 || !String(response.headers['content-type']).startsWith('application/json')) return seen
      const { headers: _headers, ...echo } = JSON.parse(seen.body) as Record<string, unknown>
      return { ...seen, body: echo }
    }
    const [gatewaySide, legacySide] = [comparable(via, new URL(stack().gateway.url).host), comparable(direct, new URL(stack().legacy.url).host)]
    expect(gatewaySide).toEqual(legacySide)
    // GET and POST reach the view (HEAD and OPTIONS are Flask's own answers, with no body).
    if (via.status === 200 && (request.method === 'GET' || request.method === 'POST')) expect(gatewaySide.body).toMatchObject({ metodo: request.method })
  })
})
