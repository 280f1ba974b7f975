/**
 * Proxy-cost reference between the bare proxy and the gateway: http-proxy-middleware at its defaults (it
 * writes the response itself), on node:http, or with `UNDER_HONO=on` as the one handler of a Hono app on
 * @hono/node-server. No header policy, buffering, admission, logging or metrics. With bare-proxy.ts it splits
 * the gateway's proxy cost into Node's HTTP stack, the proxy library, the framework, and the gateway's own
 * work (docs/benchmarks.md, "Where a proxied request's CPU goes"). Env: PORT, UPSTREAM, UNDER_HONO.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import { serve, type HttpBindings } from '@hono/node-server'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import { Hono } from 'hono'
import { createProxyMiddleware } from 'http-proxy-middleware'

const port = Number(process.env.PORT ?? 3201)
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 })
const proxy = createProxyMiddleware<IncomingMessage, ServerResponse>({ target: process.env.UPSTREAM!, agent })
const forward = (req: IncomingMessage, res: ServerResponse) =>
  new Promise<void>((resolve) => {
    res.once('close', resolve)
    void proxy(req, res, () => {
      res.writeHead(502).end()
    })
  })

if (process.env.UNDER_HONO === 'on') {
  const app = new Hono<{ Bindings: HttpBindings }>()
  app.get('/healthz', (c) => c.text('ok'))
  app.use(async (c) => {
    await forward(c.env.incoming, c.env.outgoing)
    return RESPONSE_ALREADY_SENT
  })
  serve({ fetch: app.fetch, port, hostname: '127.0.0.1' })
} else {
  const server = http.createServer((req, res) => {
    if (req.url === '/healthz') return void res.end('ok')
    void forward(req, res)
  })
  server.keepAliveTimeout = 65_000
  server.listen(port, '127.0.0.1')
}
process.on('SIGTERM', () => process.exit(0))
