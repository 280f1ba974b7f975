/**
 * Proxy-cost reference for the benchmark: the least a Node proxy does — node:http in, node:http out through a
 * keep-alive agent, headers and body passed through untouched. No body buffering, no header policy, no
 * admission, no logging, no metrics. What the gateway's proxy path would cost if only Node's HTTP stack did.
 * Env: PORT, UPSTREAM (http://host:port).
 */
import http from 'node:http'

const upstream = new URL(process.env.UPSTREAM!)
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 })

const server = http.createServer((req, res) => {
  if (req.url === '/healthz') return void res.end('ok')
  const forward = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers)
    answer.pipe(res)
  })
  forward.on('error', () => {
    if (!res.headersSent) res.writeHead(502)
    res.end()
  })
  req.pipe(forward)
})
server.keepAliveTimeout = 65_000
server.listen(Number(process.env.PORT ?? 3200), '127.0.0.1')
process.on('SIGTERM', () => process.exit(0))
