// Misbehaving clients for the edge-protection tests: each opens a real TCP connection to 127.0.0.1 and
// keeps it busy the way a slow (or hostile) client does. Every one stops when `stop()` is called, and
// each trickle is bounded in count and time.
import http from 'node:http'
import net from 'node:net'

export type Crowd = { size: number; stop(): void }

const TRICKLE_INTERVAL_MS = 1000
/** Upper bound on how long any trickle runs, whatever the test does. */
const MAX_TRICKLE_MS = 120_000

function trickle(sockets: net.Socket[], byte: () => string): () => void {
  const started = Date.now()
  const timer = setInterval(() => {
    if (Date.now() - started > MAX_TRICKLE_MS) return stop()
    for (const socket of sockets) if (!socket.destroyed) socket.write(byte())
  }, TRICKLE_INTERVAL_MS)
  const stop = () => {
    clearInterval(timer)
    for (const socket of sockets) socket.destroy()
  }
  return stop
}

function connect(baseUrl: string): net.Socket {
  const { hostname, port } = new URL(baseUrl)
  const socket = net.connect(Number(port), hostname)
  socket.on('error', () => {}) // the server may close it; that is its right
  return socket
}

/** Clients that send their request head one header byte per second and never finish it. */
export function slowHeaders(baseUrl: string, count: number): Crowd {
  const host = new URL(baseUrl).host
  const sockets = Array.from({ length: count }, () => {
    const socket = connect(baseUrl)
    socket.write(`GET /login HTTP/1.1\r\nHost: ${host}\r\nX-Slow: `)
    return socket
  })
  return { size: count, stop: trickle(sockets, () => 'a') }
}

/** Clients that announce a form body and send it at one byte per second (the whole body would take minutes). */
export function slowBodies(baseUrl: string, count: number, target = '/login'): Crowd {
  const host = new URL(baseUrl).host
  const sockets = Array.from({ length: count }, () => {
    const socket = connect(baseUrl)
    socket.write(
      `POST ${target} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 600\r\n\r\nemail=`,
    )
    return socket
  })
  return { size: count, stop: trickle(sockets, () => 'x') }
}

/** Clients that send a request and then do not read the response at all. */
export function slowReaders(baseUrl: string, count: number, target: string, headers: Record<string, string> = {}): Crowd & { responded: Promise<number[]> } {
  const statuses: Array<Promise<number>> = []
  const requests = Array.from({ length: count }, () => {
    let answered: (status: number) => void = () => {}
    statuses.push(new Promise((resolve) => (answered = resolve)))
    const request = http.get(new URL(target, baseUrl), { headers: { 'accept-encoding': 'identity', ...headers }, agent: false }, (response) => {
      response.pause() // never read: the server's writes pile up until every buffer on the way is full
      answered(response.statusCode ?? 0)
    })
    request.on('error', () => answered(0))
    return request
  })
  return {
    size: count,
    /** Every reader has its response head (the body is then left unread). */
    responded: Promise.all(statuses),
    stop: () => {
      for (const request of requests) request.destroy()
    },
  }
}

/** Wall time of one complete `GET /login` (status and seconds). */
export async function timeLogin(baseUrl: string, timeoutMs = 15_000): Promise<{ status: number; seconds: number }> {
  const started = performance.now()
  const status = await new Promise<number>((resolve, reject) => {
    const request = http.get(new URL('/login', baseUrl), { agent: false, timeout: timeoutMs }, (response) => {
      response.resume()
      response.once('end', () => resolve(response.statusCode ?? 0))
      response.once('error', reject)
    })
    request.once('timeout', () => request.destroy(new Error(`GET /login: no complete answer within ${timeoutMs} ms`)))
    request.once('error', reject)
  })
  return { status, seconds: (performance.now() - started) / 1000 }
}
