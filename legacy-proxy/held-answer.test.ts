// The proxy in-process against a scripted upstream that answers an upload before reading it and then resets
// the connection (what gunicorn's kernel does when a worker closes with the body unread), with the reset
// placed deterministically: after the answer's head, or after the whole answer.
import net, { type AddressInfo } from 'node:net'
import os from 'node:os'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { afterEach, describe, expect, it } from 'vitest'
import type { GatewayEnv } from '../core/env.js'
import { createLogger } from '../core/logger.js'
import { legacyProxy } from './proxy.js'

const ANSWER = '{"erro": "N\\u00e3o autenticado"}\n'
const UPLOAD_BYTES = 24 * 1024 * 1024
const closers: Array<() => void> = []
afterEach(() => {
  for (const close of closers.splice(0)) close()
})

type Script = 'head-then-reset' | 'whole-then-reset'

/** Answers a request with a body 401 without reading the body, then resets; any other request gets 200. */
async function upstream(script: Script): Promise<string> {
  const server = net.createServer((socket) => {
    let head = ''
    socket.on('error', () => {})
    socket.on('data', (chunk: Buffer) => {
      if (head.includes('\r\n\r\n')) return
      head += chunk.toString('latin1')
      if (!head.includes('\r\n\r\n')) return
      socket.pause() // the body is never read
      if (!/content-length: [1-9]/i.test(head)) return void socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok')
      const body = Buffer.from(ANSWER)
      socket.write(`HTTP/1.1 401 UNAUTHORIZED\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`)
      if (script === 'whole-then-reset') socket.write(body)
      setTimeout(() => socket.resetAndDestroy(), 100)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  closers.push(() => server.close())
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function gatewayInFrontOf(target: string): Promise<number> {
  const forward = legacyProxy({
    target,
    connectTimeoutMs: 2_000,
    responseTimeoutMs: 10_000,
    logger: createLogger('silent'),
    requestBody: { memoryBytes: 1024 * 1024, maxBytes: 32 * 1024 * 1024, idleTimeoutMs: 10_000 },
    responseBuffer: { memoryBytes: 1024 * 1024, tempFileMaxBytes: 0 },
    tempDir: os.tmpdir(),
    admission: { requests: { maxInFlight: 4, queueSize: 4, queueTimeoutMs: 1_000 }, streams: { maxInFlight: 1, queueSize: 0, queueTimeoutMs: 1_000 }, retryAfterSeconds: 1 },
  })
  const app = new Hono<GatewayEnv>()
  app.use(async (c, next) => {
    c.set('requestId', 'held-answer-test')
    await next()
  })
  app.all('*', (c) => forward(c))
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
  await new Promise((resolve) => server.once('listening', resolve))
  closers.push(() => server.close())
  return (server.address() as AddressInfo).port
}

/**
 * One client connection: the upload, its answer read whole (Content-Length framed), then after `pauseMs`
 * a second request on the same connection. Resolves with both answers as text, or where the connection broke.
 */
function uploadThenAgain(port: number, pauseMs: number): Promise<{ first: string; second: string; broke?: string }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    let received = Buffer.alloc(0)
    let first: string | undefined
    const settle = (broke?: string) => {
      const text = received.toString('utf8')
      resolve({ first: first ?? text, second: first === undefined ? '' : text, ...(broke ? { broke } : {}) })
      socket.destroy()
    }
    socket.on('error', (error: NodeJS.ErrnoException) => settle(error.code))
    socket.on('close', () => settle('closed'))
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk])
      const end = received.indexOf('\r\n\r\n')
      const length = Number(/content-length: (\d+)/i.exec(received.toString('latin1'))?.[1] ?? Number.NaN)
      if (end < 0 || received.length < end + 4 + length) return
      if (first === undefined) {
        first = received.toString('utf8')
        received = Buffer.alloc(0)
        setTimeout(() => socket.write('GET /again HTTP/1.1\r\nHost: test\r\n\r\n'), pauseMs)
      } else settle()
    })
    socket.write(`POST /api/importar HTTP/1.1\r\nHost: test\r\nContent-Type: text/csv\r\nContent-Length: ${UPLOAD_BYTES}\r\n\r\n`)
    socket.write(Buffer.alloc(UPLOAD_BYTES, 97))
  })
}

describe('an answer the legacy app gives before reading the upload, then a reset', () => {
  it('a reset after its head: the client gets the clean 502, not a cut response that began as a 401', async () => {
    const port = await gatewayInFrontOf(await upstream('head-then-reset'))
    const outcome = await uploadThenAgain(port, 0)
    expect(outcome.first).toMatch(/^HTTP\/1\.1 502 /)
    expect(outcome.first).toContain('{"erro":"Sistema legado indisponível","requestId":"held-answer-test"}')
    expect(outcome.first).not.toMatch(/401/)
    expect(outcome.broke).toBeUndefined()
    expect(outcome.second).toMatch(/^HTTP\/1\.1 200 [^]*\r\n\r\nok$/)
  })

  it('a reset after the whole answer: the client has the 401 whole and its connection stays usable', async () => {
    const port = await gatewayInFrontOf(await upstream('whole-then-reset'))
    // The second request goes out after the reset has reached the gateway (100 ms after the answer).
    const outcome = await uploadThenAgain(port, 400)
    expect(outcome.broke).toBeUndefined()
    expect(outcome.first).toMatch(/^HTTP\/1\.1 401 /)
    expect(outcome.first.endsWith(`\r\n\r\n${ANSWER}`)).toBe(true)
    expect(outcome.second).toMatch(/^HTTP\/1\.1 200 [^]*\r\n\r\nok$/)
  })
})
