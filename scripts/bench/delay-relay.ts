/**
 * A TCP relay that delays every chunk by half the round trip in each direction: an emulated network between
 * the apps and the database (`node delay-relay.ts <listenPort> <targetHost:port> <rttMs>`). Timers of the
 * same duration fire in insertion order, so each direction stays in order. Prints `relay listening PORT`.
 */
import net from 'node:net'

export function startDelayRelay(listenPort: number, target: { host: string; port: number }, rttMs: number): net.Server {
  const oneWay = rttMs / 2
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host)
    client.setNoDelay(true)
    upstream.setNoDelay(true)
    const forward = (from: net.Socket, to: net.Socket) => {
      from.on('data', (chunk) => {
        setTimeout(() => {
          if (!to.destroyed) to.write(chunk)
        }, oneWay)
      })
      from.on('end', () => setTimeout(() => to.end(), oneWay))
      from.on('error', () => to.destroy())
      from.on('close', () => setTimeout(() => to.destroy(), oneWay))
    }
    forward(client, upstream)
    forward(upstream, client)
  })
  server.listen(listenPort, '127.0.0.1')
  return server
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const [listen, target, rtt] = process.argv.slice(2)
  const [host, port] = target!.split(':')
  const server = startDelayRelay(Number(listen), { host: host!, port: Number(port) }, Number(rtt))
  server.on('listening', () => console.log(`relay listening ${(server.address() as net.AddressInfo).port}`))
  process.stdin.resume()
  process.stdin.on('end', () => process.exit(0))
}
