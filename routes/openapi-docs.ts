import type { OpenAPIHono } from '@hono/zod-openapi'
import { swaggerUI } from '@hono/swagger-ui'
import { Hono } from 'hono'
import type { GatewayEnv } from '../core/env.js'

/**
 * `GET /openapi.json` (the migrated routes' OpenAPI 3.1 document, generated from their zod schemas) and
 * `GET /docs` (Swagger UI over it). Gateway-own endpoints: mount them before the dispatcher.
 */
export function openApiDocs(migrated: OpenAPIHono<GatewayEnv>): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>()
  let document: unknown
  app.get('/openapi.json', (c) => {
    document ??= migrated.getOpenAPI31Document({
      openapi: '3.1.0',
      info: {
        title: 'estoque gateway — migrated routes',
        version: '1.0.0',
        description:
          'Routes the gateway answers itself, with the legacy Flask API\'s exact contract (docs/legacy-api.md). ' +
          'Authentication: the legacy Flask `session` cookie (log in at `/login`). Errors are `{"erro": "..."}`.',
      },
      tags: [{ name: 'estoque' }, { name: 'movimentacoes' }, { name: 'dashboard' }],
    })
    return c.json(document as object, 200, { 'cache-control': 'no-store' })
  })
  app.get('/docs', swaggerUI({ url: '/openapi.json', title: 'estoque gateway API' }))
  return app
}
