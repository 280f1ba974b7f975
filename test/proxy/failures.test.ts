// The proxy when the legacy side misbehaves: refused, silent, stalled mid-stream, dying mid-stream, odd
// headers. A tiny node:http upstream plays the legacy app, so each failure is exact and instantaneous.
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { startGateway, type GatewayProcess } from '../../scripts/dev/gateway-process.js'
import { freePort } from '../../scripts/dev/ports.js'
import { testDbName } from '../support/mongo.js'
import { expectLabelled, headerNames, headerValues, logLines, rawRequest } from './support.js'

const TIMEOUT_MS = 400

let upstream: http.Server
let upstreamUrl: string
/** Resolvers for "the upstream saw its request closed", by path. */
const upstreamClosed = new Map<string, () => void>()
let gateway: GatewayProcess
let deadGateway: GatewayProcess

function handle(request: IncomingMessage, response: ServerResponse): void {
  const path = request.url ?? '/'
  request.once('close', () => upstreamClosed.get(path)?.())
  response.once('close', () => upstreamClosed.get(path)?.())
  if (path === '/silent') return // accepts, reads, never answers
  if (path === '/stall') {
    response.writeHead(200, { 'content-type': 'text/plain' })
    response.write('first part, then nothing')
    return
  }
  if (path === '/die') {
    response.writeHead(200, { 'content-type': 'text/plain' })
    response.write('first part, then the worker dies')
    setTimeout(() => request.socket.destroy(), 50)
    return
  }
  if (path === '/endless') {
    response.writeHead(200, { 'content-type': 'text/event-stream' })
    const timer = setInterval(() => response.write('data: tick\n\n'), 20)
    response.once('close', () => clearInterval(timer))
    return
  }
  if (path === '/hop-by-hop') {
    response.writeHead(200, [
      ['Content-Type', 'text/plain'],
      ['Connection', 'keep-alive, X-Upstream-Hop'],
      ['X-Upstream-Hop', 'secret'],
      ['Keep-Alive', 'timeout=30'],
      ['Proxy-Authenticate', 'Basic realm="legacy"'],
      ['Proxy-Connection', 'keep-alive'],
      ['Trailer', 'X-Checksum'],
      ['Upgrade', 'h2c'],
      ['Set-Cookie', 'a=1; Path=/'],
      ['Set-Cookie', 'b=2; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT'],
      ['X-End-To-End', 'kept'],
      ['Transfer-Encoding', 'chunked'],
    ].flat())
    response.end('body')
    return
  }
  response.writeHead(404, { 'content-type': 'text/plain' }).end('not here')
}

beforeAll(async () => {
  upstream = http.createServer(handle)
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`
  const mongo = { mongoUri: inject('mongoUri'), dbName: testDbName('proxy_failures') }
  // TRUST_PROXY: the tests name their requests with X-Request-Id, as a trusted front proxy would.
  const env = { LEGACY_TIMEOUT_MS: String(TIMEOUT_MS), LEGACY_CONNECT_TIMEOUT_MS: '500', TRUST_PROXY: 'loopback' }
  ;[gateway, deadGateway] = await Promise.all([
    startGateway({ ...mongo, legacyUrl: upstreamUrl, env }),
    startGateway({ ...mongo, legacyUrl: `http://127.0.0.1:${await freePort()}`, env }),
  ])
})

afterAll(async () => {
  await Promise.all([gateway?.stop(), deadGateway?.stop()])
  upstream?.closeAllConnections()
  await new Promise((resolve) => upstream?.close(resolve))
})

function loggedFailure(process: GatewayProcess, requestId: string) {
  return logLines(process.output()).find((entry) => entry.requestId === requestId && entry.msg !== 'request')
}

/** Waits (up to 2 s) for the gateway to have written the log line. */
async function eventually<T>(read: () => T | undefined): Promise<T | undefined> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const value = read()
    if (value !== undefined) return value
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return undefined
}

describe('legacy failures', () => {
  it('legacy refusing connections: 502 JSON with the request id, logged', async () => {
    const response = await rawRequest(deadGateway.url, { target: '/login', headers: { 'x-request-id': 'req-refused-0001' } })
    expectLabelled(response, 'legacy')
    expect(response.status).toBe(502)
    expect(response.headers['content-type']).toBe('application/json')
    expect(JSON.parse(response.body.toString())).toEqual({ erro: 'Sistema legado indisponível', requestId: 'req-refused-0001' })
    const line = await eventually(() => loggedFailure(deadGateway, 'req-refused-0001'))
    expect(line).toMatchObject({ msg: 'legacy upstream failed', status: 502, err: { code: 'ECONNREFUSED' } })
  })

  it('legacy accepting but never answering: 504 after LEGACY_TIMEOUT_MS, upstream request closed, logged', async () => {
    const closed = new Promise<void>((resolve) => upstreamClosed.set('/silent', resolve))
    const response = await rawRequest(gateway.url, { method: 'POST', target: '/silent', headers: { 'x-request-id': 'req-silent-0001', 'content-type': 'application/json' }, body: '{}' })
    expectLabelled(response, 'legacy')
    expect(response.status).toBe(504)
    expect(JSON.parse(response.body.toString())).toEqual({ erro: 'O sistema legado não respondeu a tempo', requestId: 'req-silent-0001' })
    await closed
    const line = await eventually(() => loggedFailure(gateway, 'req-silent-0001'))
    expect(line).toMatchObject({ msg: 'legacy upstream failed', status: 504, err: { code: 'GATEWAY_UPSTREAM_TIMEOUT' } })
  })

  it('a response that stalls after it started is cut (the client sees an error, not a hang or a complete body)', async () => {
    const outcome = await rawRequest(gateway.url, { target: '/stall', headers: { 'x-request-id': 'req-stall-0001' } }).then(
      () => 'completed',
      (error: Error) => `error: ${error.message}`,
    )
    expect(outcome).toMatch(/^error: (aborted|socket hang up)/)
    expect(await eventually(() => loggedFailure(gateway, 'req-stall-0001'))).toMatchObject({ msg: 'legacy response cut short' })
  })

  it('a legacy worker dying mid-response cuts the client response too', async () => {
    const outcome = await rawRequest(gateway.url, { target: '/die', headers: { 'x-request-id': 'req-die-0001' } }).then(
      () => 'completed',
      (error: Error) => `error: ${error.message}`,
    )
    expect(outcome).toMatch(/^error: (aborted|socket hang up)/)
    expect(await eventually(() => loggedFailure(gateway, 'req-die-0001'))).toMatchObject({ msg: 'legacy response cut short' })
  })

  it('a client disconnect closes the upstream request of an endless stream', async () => {
    const closed = new Promise<void>((resolve) => upstreamClosed.set('/endless', resolve))
    await new Promise<void>((resolve, reject) => {
      const request = http.get(`${gateway.url}/endless`, { agent: false }, (response) => {
        response.once('data', () => {
          request.destroy()
          resolve()
        })
      })
      request.once('error', (error) => (request.destroyed ? undefined : reject(error)))
    })
    await closed // never resolves (test timeout) if the proxy kept streaming for nobody
  }, 5_000)

  it("removes the upstream's hop-by-hop response headers and keeps each Set-Cookie separate", async () => {
    const response = await rawRequest(gateway.url, { target: '/hop-by-hop', keepAlive: true })
    expectLabelled(response, 'legacy')
    expect(response.status).toBe(200)
    expect(response.body.toString()).toBe('body')
    const names = headerNames(response.rawHeaders)
    for (const hop of ['x-upstream-hop', 'proxy-authenticate', 'proxy-connection', 'trailer', 'upgrade']) {
      expect(names).not.toContain(hop)
    }
    // The gateway's own framing and connection management (Node's), not the upstream's.
    expect(headerValues(response.rawHeaders, 'connection')).toEqual(['keep-alive'])
    expect(headerValues(response.rawHeaders, 'keep-alive')).not.toContain('timeout=30')
    expect(headerValues(response.rawHeaders, 'transfer-encoding')).toEqual(['chunked'])
    expect(headerValues(response.rawHeaders, 'set-cookie')).toEqual(['a=1; Path=/', 'b=2; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT'])
    expect(response.headers['x-end-to-end']).toBe('kept')
  })

  it('stays up through all of it: no crash, no unhandled rejection, still answering', async () => {
    for (const process of [gateway, deadGateway]) {
      expect(process.child.exitCode).toBeNull()
      expect(process.output()).not.toMatch(/unhandled|uncaught/i)
      const health = await fetch(`${process.url}/healthz`)
      expect(health.status).toBe(200)
    }
  })
})
