// Request bodies at the edge: read whole before the legacy app sees them, framed by the gateway (length,
// never the client's Transfer-Encoding), refused like the legacy app refuses them over its 32 MiB limit,
// and timed out when the client stops sending. Real gunicorn app, real gateway, raw sockets.
import { createHash, randomBytes } from 'node:crypto'
import net from 'node:net'
import { describe, expect, it } from 'vitest'
import { login } from '../support/login.js'
import { seed } from '../../scripts/seed/index.js'
import { expectLabelled, rawExchange, rawRequest } from './support.js'
import { useTestStack } from '../support/stack.js'

/** Several servers start at once on a loaded two-core machine: tsx compiles each gateway at start. */
const START_MS = 180_000

const BODY_TIMEOUT_MS = 1500
const stack = useTestStack({ prefix: 'proxy_bodies', seed: (db) => seed(db, { items: 5, movements: 5 }), legacy: { workers: 1 }, gateway: { healthTimeoutMs: START_MS, env: { LEGACY_CLIENT_BODY_TIMEOUT_MS: String(BODY_TIMEOUT_MS) } }, loginThrough: 'gateway' })

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex')
type Echo = { headers: Array<[string, string]>; corpo: { bytes: number; sha256: string } }
const echoOf = (body: Buffer) => JSON.parse(body.toString()) as Echo
const echoHeader = (echo: Echo, name: string) => echo.headers.filter(([key]) => key.toLowerCase() === name).map(([, value]) => value)

describe('request bodies', () => {
  it('a chunked body reaches the legacy app whole, with a Content-Length and no Transfer-Encoding', async () => {
    const body = randomBytes(200 * 1024) // beyond the in-memory bound (64 KiB): spooled to a temp file
    const response = await rawRequest(stack().gateway.url, {
      method: 'POST',
      target: '/api/diagnostico/requisicao',
      headers: { cookie: stack().cookie, 'content-type': 'application/octet-stream' },
      body,
      chunked: true,
    })
    expectLabelled(response, 'legacy')
    expect(response.status).toBe(200)
    const echo = echoOf(response.body)
    expect(echo.corpo).toEqual({ bytes: body.length, sha256: sha256(body) })
    expect(echoHeader(echo, 'content-length')).toEqual([String(body.length)])
    expect(echoHeader(echo, 'transfer-encoding')).toEqual([])
  })

  it('a transfer coding other than chunked is refused with 501 and never reaches the legacy app', async () => {
    const host = new URL(stack().gateway.url).host
    const response = await rawExchange(
      stack().gateway.url,
      ['POST /api/diagnostico/requisicao HTTP/1.1', `Host: ${host}`, `Cookie: ${stack().cookie}`, 'Transfer-Encoding: gzip, chunked', 'Connection: close'],
      '5\r\nhello\r\n0\r\n\r\n',
    )
    expect(response.status).toBe(501)
    expect(response.headers['x-gateway-upstream']).toBe('legacy')
    expect(JSON.parse(response.body.toString())).toMatchObject({ erro: 'Codificação de transferência não suportada' })
  })

  it('a body declared over 32 MiB gets the legacy app\'s own 413, at once, without being read', async () => {
    const host = new URL(stack().gateway.url).host
    const api = await rawExchange(stack().gateway.url, [
      'POST /api/diagnostico/requisicao HTTP/1.1',
      `Host: ${host}`,
      `Cookie: ${stack().cookie}`,
      'Content-Type: application/octet-stream',
      `Content-Length: ${32 * 1024 * 1024 + 1}`,
      'Connection: close',
    ])
    expect(api.status).toBe(413)
    expect(api.headers['content-type']).toBe('application/json')
    expect(api.body.toString()).toBe('{"erro": "Requisi\\u00e7\\u00e3o muito grande"}\n')
    const page = await rawExchange(stack().gateway.url, ['POST /login HTTP/1.1', `Host: ${host}`, `Content-Length: ${40 * 1024 * 1024}`, 'Connection: close'])
    expect(page.status).toBe(413)
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(page.body.toString()).toContain('<title>413 Request Entity Too Large</title>')
  })

  it('a chunked body that grows past 32 MiB is cut off with the same 413, which a client still sending reads whole', async () => {
    // The gateway answers while this client is still writing; its lingering close keeps reading until the client
    // stops, so the answer is never lost to a connection reset. Three times over, each must get it.
    for (let attempt = 1; attempt <= 3; attempt++) {
      const response = await chunkedPastLimit()
      expect(response.status).toBe(413)
      expect(response.text).toContain('{"erro": "Requisi\\u00e7\\u00e3o muito grande"}')
    }
  })

  const chunkedPastLimit = () =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const { hostname, port, host } = new URL(stack().gateway.url)
      const socket = net.connect(Number(port), hostname)
      let received = ''
      socket.setEncoding('latin1')
      socket.on('data', (text: string) => (received += text))
      socket.on('error', () => {}) // the gateway closes the connection after its 413; our writes may then fail
      socket.once('close', () => {
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0)
        status ? resolve({ status, text: received }) : reject(new Error(`no answer: ${received.slice(0, 200)}`))
      })
      socket.write(`POST /api/diagnostico/requisicao HTTP/1.1\r\nHost: ${host}\r\nCookie: ${stack().cookie}\r\nTransfer-Encoding: chunked\r\n\r\n`)
      const chunk = Buffer.alloc(1024 * 1024, 97)
      let sent = 0
      const pump = () => {
        // 40 MiB at most, then stop whatever happened.
        while (sent < 40 && !socket.destroyed) {
          sent++
          if (!socket.write(`${chunk.length.toString(16)}\r\n${chunk.toString('latin1')}\r\n`, 'latin1')) return void socket.once('drain', pump)
        }
      }
      pump()
      setTimeout(() => socket.destroy(), 20_000)
    })

  it(`a client that stops sending its body gets 408 after LEGACY_CLIENT_BODY_TIMEOUT_MS (${BODY_TIMEOUT_MS} ms here)`, async () => {
    const host = new URL(stack().gateway.url).host
    const response = await rawExchange(
      stack().gateway.url,
      ['POST /api/diagnostico/requisicao HTTP/1.1', `Host: ${host}`, `Cookie: ${stack().cookie}`, 'Content-Type: application/json', 'Content-Length: 100', 'Connection: close'],
      '{"partial": ',
    )
    expect(response.status).toBe(408)
    expect(response.headers.connection).toBe('close')
    expect(JSON.parse(response.body.toString())).toMatchObject({ erro: 'O envio da requisição demorou demais' })
    expect(stack().gateway.output()).toContain('request body refused')
  })
})
