import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

/**
 * How long a connection answered early (413, 408, 501 before its body was read) keeps reading and dropping
 * what the client still sends: nginx's lingering_time / lingering_timeout, shorter.
 */
export const LINGER = { totalMs: 5_000, idleMs: 2_000 } as const

/**
 * nginx's lingering close for one `Connection: close` answer given before the request body was read.
 * Node destroys the socket as soon as such an answer is flushed; with request bytes still unread, the kernel
 * turns that close into a reset, and a client still sending can lose the answer it was sent (RFC 9112 §9.6).
 * Here the socket sends its FIN and keeps reading, dropping the rest, until the client closes its side, goes
 * quiet for `idleMs`, or `totalMs` is over. Call before the answer is ended.
 */
export function lingerOnClose(incoming: IncomingMessage, res: ServerResponse, limits: { totalMs: number; idleMs: number } = LINGER): void {
  const socket = res.socket
  if (!socket || incoming.complete) return
  // node:http ends a `Connection: close` exchange with socket.destroySoon(); this socket's own does the lingering.
  socket.destroySoon = function lingeringDestroySoon(this: Socket) {
    this.end()
    let idle: NodeJS.Timeout
    const stop = () => {
      clearTimeout(total)
      clearTimeout(idle)
      incoming.off('data', onData)
      this.destroy()
    }
    const onData = () => {
      clearTimeout(idle)
      idle = setTimeout(stop, limits.idleMs)
    }
    const total = setTimeout(stop, limits.totalMs)
    idle = setTimeout(stop, limits.idleMs)
    this.once('end', stop)
    this.once('close', stop)
    // The body reader paused the request; the rest flows through the HTTP parser and is dropped here.
    incoming.on('data', onData)
    incoming.resume()
  }
}
