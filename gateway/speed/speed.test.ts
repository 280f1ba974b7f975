import { gunzipSync, brotliDecompressSync } from 'node:zlib'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import type { GatewayEnv } from '../../core/env.js'
import { cachedJsonResponse, jsonResponse } from '../../core/legacy-json.js'
import { bodyEtag } from '../../core/response-cache.js'
import { speed, type SpeedOptions } from './speed.js'

const big = { itens: Array.from({ length: 80 }, (_, i) => ({ codigo: `IT-${i}`, nome: `Item número ${i}` })) }

function app(options: SpeedOptions = { etag: true, compression: true }) {
  const hono = new Hono<GatewayEnv>()
  hono.use(speed(options))
  hono.get('/big', () => jsonResponse(big))
  hono.get('/small', () => jsonResponse({ ok: true }))
  hono.get('/cached', () => new Response('{"a":1}\n', { headers: { 'content-type': 'application/json', etag: 'W/"from-cache"' } }))
  hono.get('/csv', () => new Response('a,b\r\n'.repeat(500), { headers: { 'content-type': 'text/csv; charset=utf-8' } }))
  hono.get('/missing', () => jsonResponse({ erro: 'x' }, 404))
  hono.post('/big', () => jsonResponse(big))
  return hono
}

describe('speed: ETag and compression of the gateway JSON, read from the Response itself', () => {
  it('gives a GET 200 JSON body a weak ETag of its bytes and answers 304 to a matching If-None-Match', async () => {
    const first = await app().request('/small')
    const text = await first.text()
    expect(text).toBe('{"ok":true}\n')
    expect(first.headers.get('etag')).toBe(bodyEtag(text))
    const again = await app().request('/small', { headers: { 'if-none-match': first.headers.get('etag')! } })
    expect(again.status).toBe(304)
    expect(again.headers.get('content-type')).toBeNull()
    expect(await again.text()).toBe('')
  })

  it('takes the body of a jsonResponse from its maker instead of reading the Response back; any other Response is read', async () => {
    let made: Response | undefined
    const hono = new Hono<GatewayEnv>()
    hono.use(speed({ etag: true, compression: false }))
    hono.get('/made', () => (made = jsonResponse({ ok: true })))
    hono.get('/copied', () => (made = new Response(jsonResponse({ ok: true }).body, { headers: { 'content-type': 'application/json' } })))
    const direct = await hono.request('/made')
    // The same object: its body was never turned into a stream and rebuilt.
    expect(direct).toBe(made)
    expect(direct.headers.get('etag')).toBe(bodyEtag('{"ok":true}\n'))
    const copied = await hono.request('/copied')
    expect(copied).not.toBe(made)
    expect(copied.headers.get('etag')).toBe(bodyEtag('{"ok":true}\n'))
    expect(await copied.text()).toBe('{"ok":true}\n')
  })

  it("keeps the response cache's own validator and drops it when ETags are off", async () => {
    expect((await app().request('/cached')).headers.get('etag')).toBe('W/"from-cache"')
    const off = await app({ etag: false, compression: true }).request('/cached')
    expect(off.headers.get('etag')).toBeNull()
    expect(await off.text()).toBe('{"a":1}\n')
  })

  it('uses the validator a real response cache hands out', async () => {
    const cache = { getOrCompute: async (_key: string, compute: () => Promise<string>) => { const body = await compute(); return { body, etag: bodyEtag(body) } } }
    const response = await cachedJsonResponse(cache as never, 'k', async () => ({ b: 'x' }))
    expect(response.headers.get('etag')).toBe(bodyEtag('{"b":"x"}\n'))
  })

  it('compresses by q-value (brotli on a tie) and leaves small, non-GET, error and streamed bodies alone', async () => {
    const gz = await app().request('/big', { headers: { 'accept-encoding': 'br;q=0.5, gzip;q=1' } })
    expect(gz.headers.get('content-encoding')).toBe('gzip')
    expect(gz.headers.get('vary')).toBe('Accept-Encoding')
    const expected = `${JSON.stringify(big).replace(/[^\x00-\x7f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toBe(expected)
    const br = await app().request('/big', { headers: { 'accept-encoding': 'gzip, br' } })
    expect(br.headers.get('content-encoding')).toBe('br')
    expect(brotliDecompressSync(Buffer.from(await br.arrayBuffer())).toString()).toBe(expected)
    for (const [method, path] of [['GET', '/small'], ['POST', '/big'], ['GET', '/missing'], ['GET', '/csv']] as const) {
      const response = await app().request(path, { method, headers: { 'accept-encoding': 'gzip' } })
      expect(response.headers.get('content-encoding'), `${method} ${path}`).toBeNull()
      if (path === '/csv' || method === 'POST' || path === '/missing') expect(response.headers.get('etag'), `${method} ${path}`).toBeNull()
    }
  })

  it('serves a memoized compressed body for an unchanged ETag without changing its bytes', async () => {
    const hono = app()
    const first = Buffer.from(await (await hono.request('/big', { headers: { 'accept-encoding': 'gzip' } })).arrayBuffer())
    const second = Buffer.from(await (await hono.request('/big', { headers: { 'accept-encoding': 'gzip' } })).arrayBuffer())
    expect(second.equals(first)).toBe(true)
  })
})
