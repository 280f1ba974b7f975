import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { Hono } from 'hono'
import type { GatewayEnv } from '../core/env.js'

/**
 * Swagger UI served by the gateway itself from the pinned `swagger-ui-dist` package (package.json), so `/docs`
 * works without internet. The files are read from node_modules at run time (the compiled dist/ and the Docker
 * image ship node_modules), once, then kept in memory.
 */
const require = createRequire(import.meta.url)
// absolute-path.js, not the package's index.js: that one would load the 1.5 MB browser bundle into Node.
const distDir: string = (require('swagger-ui-dist/absolute-path.js') as () => string)()
const version: string = (require('swagger-ui-dist/package.json') as { version: string }).version

/** The versioned URL prefix: an upgrade changes the URLs, so the files can be cached for a year. */
export const SWAGGER_UI_ASSETS = `/docs/assets/${version}`

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'docs-init.js': 'text/javascript; charset=utf-8',
}

// Our own start-up script as a file rather than inline, so the page needs no 'unsafe-inline' script.
const INIT_SCRIPT = `window.ui = SwaggerUIBundle({
  url: document.getElementById('swagger-ui').dataset.url,
  dom_id: '#swagger-ui',
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  // No badge from validator.swagger.io: the page never calls another origin (and works offline).
  validatorUrl: null,
});
`

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>estoque gateway API</title>
<link rel="stylesheet" href="${SWAGGER_UI_ASSETS}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-url="/openapi.json"></div>
<script src="${SWAGGER_UI_ASSETS}/swagger-ui-bundle.js"></script>
<script src="${SWAGGER_UI_ASSETS}/docs-init.js"></script>
</body>
</html>
`

const cache = new Map<string, Promise<Uint8Array<ArrayBuffer>>>()
const load = (name: string): Promise<Uint8Array<ArrayBuffer>> => {
  let body = cache.get(name)
  if (body === undefined) {
    body = name === 'docs-init.js' ? Promise.resolve(new TextEncoder().encode(INIT_SCRIPT)) : (readFile(path.join(distDir, name)) as Promise<Uint8Array<ArrayBuffer>>)
    // A failed read is not remembered: the next request tries again.
    body.catch(() => cache.delete(name))
    cache.set(name, body)
  }
  return body
}

/** `GET /docs` (the page) and `GET /docs/assets/<version>/<file>` (Swagger UI's files). */
export function swaggerUi(): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>()
  app.get('/docs', (c) => c.html(PAGE, 200, { 'cache-control': 'no-cache' }))
  app.get(`${SWAGGER_UI_ASSETS}/:file`, async (c, next) => {
    const file = c.req.param('file')
    const type = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined
    // Any other path stays the legacy app's, like every path the gateway does not own.
    if (type === undefined) return next()
    return c.body(await load(file), 200, { 'content-type': type, 'cache-control': 'public, max-age=31536000, immutable' })
  })
  return app
}
