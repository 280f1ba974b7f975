import http from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { lingerOnClose } from './lingering-close.js'

const servers: http.Server[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve))
})

/** A server that answers 413 with `Connection: close` before reading any of the body, as the proxy does. */
async function earlyAnswerServer(linger: boolean): Promise<number> {
  const server = http.createServer((req, res) => {
    req.pause()
    if (linger) lingerOnClose(req, res, { totalMs: 3_000, idleMs: 500 })
    res.writeHead(413, { 'content-type': 'text/plain', connection: 'close', 'content-length': 9 })
    res.end('too large')
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

/**
 * Sends a 24 MiB body as fast as the connection takes it and reads the answer only once it is all sent (a
 * client busy uploading); resolves with what it could read.
 */
function sendBig(port: number): Promise<{ received: string; failed: string | undefined }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    let received = ''
    let failed: string | undefined
    socket.setEncoding('latin1')
    socket.pause()
    socket.on('data', (text: string) => (received += text))
    socket.on('error', (error: NodeJS.ErrnoException) => (failed ??= error.code))
    socket.once('close', () => resolve({ received, failed }))
    const size = 24 * 1024 * 1024
    socket.write(`POST /upload HTTP/1.1\r\nHost: test\r\nContent-Length: ${size}\r\n\r\n`)
    const chunk = Buffer.alloc(1024 * 1024, 97)
    let sent = 0
    const pump = () => {
      while (sent < 24 && !socket.destroyed) {
        sent++
        if (!socket.write(chunk)) return void socket.once('drain', pump)
      }
      socket.resume()
    }
    pump()
    setTimeout(() => socket.destroy(), 10_000)
  })
}

describe('lingerOnClose', () => {
  it('an answer given before the body was read reaches a client that is still sending, every time, without a reset', async () => {
    const port = await earlyAnswerServer(true)
    for (let attempt = 0; attempt < 5; attempt++) {
      const { received, failed } = await sendBig(port)
      expect(failed).toBeUndefined()
      expect(received).toMatch(/^HTTP\/1\.1 413 /)
      expect(received.endsWith('too large')).toBe(true)
    }
  })

  it('without it, the client\'s writes fail on the reset and the answer is lost (what the lingering prevents)', async () => {
    const port = await earlyAnswerServer(false)
    const outcomes = [await sendBig(port), await sendBig(port), await sendBig(port)]
    expect(outcomes.filter((outcome) => outcome.failed !== undefined && outcome.received === '').length).toBeGreaterThan(0)
  })
})
