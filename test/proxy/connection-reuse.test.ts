// Connections to the legacy app: reused by default (keep-alive agent), one per request with
// LEGACY_KEEP_ALIVE=off. A keep-alive capable node:http upstream records which socket each request came on.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { startGateway, type GatewayProcess } from '../../scripts/dev/gateway-process.js'
import { testDbName } from '../support/mongo.js'

type Seen = { socket: string; connection: string | undefined }

let upstream: http.Server
const seen = new Map<string, Seen[]>()
let reusing: GatewayProcess
let notReusing: GatewayProcess

beforeAll(async () => {
  upstream = http.createServer((request, response) => {
    const key = request.url ?? '/'
    const list = seen.get(key) ?? []
    list.push({ socket: `${request.socket.remoteAddress}:${request.socket.remotePort}`, connection: request.headers.connection })
    seen.set(key, list)
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
  })
  upstream.keepAliveTimeout = 30_000
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
  const legacyUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`
  const mongo = { mongoUri: inject('mongoUri'), dbName: testDbName('proxy_reuse') }
  ;[reusing, notReusing] = await Promise.all([
    startGateway({ ...mongo, legacyUrl }),
    startGateway({ ...mongo, legacyUrl, env: { LEGACY_KEEP_ALIVE: 'off' } }),
  ])
})

afterAll(async () => {
  await Promise.all([reusing?.stop(), notReusing?.stop()])
  upstream?.closeAllConnections()
  await new Promise((resolve) => upstream?.close(resolve))
})

async function sequential(gateway: GatewayProcess, path: string, count: number): Promise<Seen[]> {
  for (let i = 0; i < count; i++) {
    const response = await fetch(`${gateway.url}${path}`)
    expect(response.status).toBe(200)
    expect(response.headers.get('x-gateway-upstream')).toBe('legacy')
    await response.arrayBuffer()
  }
  return seen.get(path) ?? []
}

describe('connections to the legacy app', () => {
  it('are reused by default: sequential requests share one upstream connection', async () => {
    const requests = await sequential(reusing, '/reuse-default', 5)
    expect(requests).toHaveLength(5)
    expect(new Set(requests.map((r) => r.socket)).size).toBe(1)
    expect(requests.every((r) => r.connection === 'keep-alive')).toBe(true)
  })

  it('LEGACY_KEEP_ALIVE=off: one connection per request, each announced as Connection: close', async () => {
    const requests = await sequential(notReusing, '/reuse-off', 5)
    expect(requests).toHaveLength(5)
    expect(new Set(requests.map((r) => r.socket)).size).toBe(5)
    expect(requests.every((r) => r.connection === 'close')).toBe(true)
  })
})
