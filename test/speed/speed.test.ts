// ETag + 304 and gzip/brotli on the gateway's own JSON (main app level; proxied responses untouched).
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import http from 'node:http'
import { describe, expect, it } from 'vitest'
import { seed } from '../../scripts/seed/index.js'
import { pickEncoding } from '../../gateway/speed/speed.js'
import { useTestStack } from '../support/stack.js'

const stack = useTestStack({ prefix: 'speed', seed: (db) => seed(db, { items: 40, movements: 100 }) })

/** Raw exchange (fetch would decode the body and hide Content-Encoding). */
function raw(path: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${stack().gateway.url}${path}`, { headers: { cookie: stack().cookie, ...headers } }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }))
      })
      .on('error', reject)
  })
}

describe('compression', () => {
  it('brotli when accepted, gzip as the fallback, identity otherwise — same JSON', async () => {
    const plain = await raw('/api/estoque/hierarquia', {})
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.headers.vary).toMatch(/Accept-Encoding/i)
    const br = await raw('/api/estoque/hierarquia', { 'accept-encoding': 'gzip, deflate, br' })
    expect(br.headers['content-encoding']).toBe('br')
    expect(brotliDecompressSync(br.body).toString()).toBe(plain.body.toString())
    // The client's weights win over the server's preference for brotli.
    const weighted = await raw('/api/estoque/hierarquia', { 'accept-encoding': 'br;q=0.5, gzip;q=1' })
    expect(weighted.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(weighted.body).toString()).toBe(plain.body.toString())
    const gz = await raw('/api/estoque/hierarquia', { 'accept-encoding': 'gzip' })
    expect(gz.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(gz.body).toString()).toBe(plain.body.toString())
    expect(br.body.length).toBeLessThan(plain.body.length / 3)
  })

  it('leaves small bodies, errors and proxied (legacy) responses alone', async () => {
    const unauthenticated = await raw('/api/dashboard', { cookie: '', 'accept-encoding': 'br' })
    expect(unauthenticated.status).toBe(401)
    expect(unauthenticated.headers['content-encoding']).toBeUndefined()
    const proxied = await raw('/api/diagnostico/requisicao', { 'accept-encoding': 'br' })
    expect(proxied.headers['x-gateway-upstream']).toBe('legacy')
    expect(proxied.headers['content-encoding']).toBeUndefined()
    expect(proxied.headers.etag).toBeUndefined()
  })

  it('picks encodings by q-value', () => {
    expect(pickEncoding('gzip, br')).toBe('br')
    expect(pickEncoding('br;q=0, gzip')).toBe('gzip')
    expect(pickEncoding('br;q=0.5, gzip;q=1')).toBe('gzip')
    expect(pickEncoding('gzip;q=0.2, br;q=0.8')).toBe('br')
    expect(pickEncoding('gzip;q=0.5, *;q=0.1')).toBe('gzip')
    expect(pickEncoding('*;q=0.5, gzip;q=0')).toBe('br')
    expect(pickEncoding('BR;Q=0.4, GZIP;q=0.3')).toBe('br')
    expect(pickEncoding('identity')).toBeUndefined()
    expect(pickEncoding('*')).toBe('br')
    expect(pickEncoding(undefined)).toBeUndefined()
  })
})

describe('ETag', () => {
  it('sends a weak ETag on GET 200 and answers 304 only to a matching If-None-Match', async () => {
    const first = await raw('/api/movimentacoes', {})
    expect(first.status).toBe(200)
    const etag = first.headers.etag!
    expect(etag).toMatch(/^W\/"[^"]+"$/)
    const again = await raw('/api/movimentacoes', { 'if-none-match': etag })
    expect(again.status).toBe(304)
    expect(again.body.length).toBe(0)
    expect(again.headers.etag).toBe(etag)
    expect(again.headers['x-gateway-upstream']).toBe('gateway')
    const other = await raw('/api/movimentacoes', { 'if-none-match': 'W/"something-else"' })
    expect(other.status).toBe(200)
    // A different query is a different body, so a different ETag.
    const page2 = await raw('/api/movimentacoes?pagina=2', { 'if-none-match': etag })
    expect(page2.status).toBe(200)
  })
})
