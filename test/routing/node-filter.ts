/**
 * Which raw request lines Node's own HTTP parser accepts (the gateway never sees the others), checked with a
 * real node:http server. The server answers each request with the method and the exact `req.url` it saw
 * (hex, so HEAD answers carry it too). Requests go one at a time over keep-alive connections; a refused one
 * gets Node's 400 and a closed connection, and the next request opens a new one.
 */
import http from 'node:http'
import net from 'node:net'
import type { AddressInfo } from 'node:net'

export type NodeVerdict = { accepted: true; method: string; url: string } | { accepted: false; status: string }

type Request = { method: string; target: string; host: string }

class Connection {
  private socket: net.Socket | undefined
  private buffer = ''
  private waiting: ((head: string | undefined) => void) | undefined

  constructor(private readonly port: number) {}

  private open(): net.Socket {
    const socket = net.connect(this.port, '127.0.0.1')
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('latin1')
      const end = this.buffer.indexOf('\r\n\r\n')
      if (end >= 0 && this.waiting) {
        const head = this.buffer.slice(0, end)
        this.buffer = this.buffer.slice(end + 4)
        this.settle(head)
      }
    })
    socket.on('error', () => undefined)
    socket.on('close', () => {
      // Only the current connection's end answers the request in flight.
      if (this.socket !== socket) return
      this.socket = undefined
      this.settle(undefined)
    })
    this.buffer = ''
    return socket
  }

  private settle(head: string | undefined): void {
    const waiting = this.waiting
    this.waiting = undefined
    waiting?.(head)
  }

  /** The response head, or undefined when the connection closed (or stalled) before one. */
  send({ method, target, host }: Request): Promise<string | undefined> {
    this.socket ??= this.open()
    const socket = this.socket
    return new Promise((resolve) => {
      // Generous: a loaded machine is slow; only a request Node waits on forever (none expected) hits it.
      const timer = setTimeout(() => socket.destroy(), 15_000)
      this.waiting = (head) => {
        clearTimeout(timer)
        // A refusal closes the connection: start the next request on a fresh one.
        if (head === undefined || !head.startsWith('HTTP/1.1 200')) {
          socket.destroy()
          if (this.socket === socket) this.socket = undefined
        }
        resolve(head)
      }
      socket.write(Buffer.from(`${method} ${target} HTTP/1.1\r\nHost: ${host}\r\n\r\n`, 'latin1'))
    })
  }

  close(): void {
    this.socket?.destroy()
  }
}

export async function nodeAccepts(requests: readonly Request[], connections = 4): Promise<NodeVerdict[]> {
  const server = http.createServer((req, res) => {
    res.setHeader('x-method', req.method ?? '')
    res.setHeader('x-url-hex', Buffer.from(req.url ?? '', 'latin1').toString('hex'))
    res.setHeader('content-length', '0')
    res.end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const verdicts: NodeVerdict[] = new Array(requests.length)
  let next = 0
  const workers = Array.from({ length: connections }, async () => {
    const connection = new Connection(port)
    while (next < requests.length) {
      const index = next++
      const head = await connection.send(requests[index]!)
      const urlHex = head && /\r\nx-url-hex: ([0-9a-f]*)(\r\n|$)/i.exec(head)?.[1]
      const seenMethod = head && /\r\nx-method: ([^\r]*)(\r\n|$)/i.exec(head)?.[1]
      verdicts[index] =
        head?.startsWith('HTTP/1.1 200') && typeof urlHex === 'string' && typeof seenMethod === 'string'
          ? { accepted: true, method: seenMethod, url: Buffer.from(urlHex, 'hex').toString('latin1') }
          : { accepted: false, status: head ? head.slice(0, head.indexOf('\r\n') >>> 0) : '(connection closed)' }
    }
    connection.close()
  })
  await Promise.all(workers)
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return verdicts
}
