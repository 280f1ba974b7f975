import { OpenAPIHono, createRoute } from '@hono/zod-openapi'
import { swaggerUI } from '@hono/swagger-ui'
import { Hono } from 'hono'
import type { GatewayEnv } from '../core/env.js'
import type { RouteDeclaration } from '../core/route.js'

/**
 * `GET /openapi.json` (the migrated routes' OpenAPI 3.1 document, generated from their declarations) and
 * `GET /docs` (Swagger UI over it). Gateway-own endpoints: mount them before the dispatcher.
 */
export function openApiDocs(declarations: readonly RouteDeclaration[], toPath: (rule: string) => string): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>()
  let document: unknown
  app.get('/openapi.json', (c) => {
    document ??= openApiDocument(declarations, toPath)
    return c.json(document as object, 200, { 'cache-control': 'no-store' })
  })
  app.get('/docs', swaggerUI({ url: '/openapi.json', title: 'estoque gateway API' }))
  return app
}

export function openApiDocument(declarations: readonly RouteDeclaration[], toPath: (rule: string) => string): unknown {
  const registry = new OpenAPIHono()
  for (const route of declarations) {
    for (const method of route.methods) {
      registry.openAPIRegistry.registerPath(createRoute({ ...route.openapi, method: method.toLowerCase() as 'get', path: toPath(route.rule) }))
    }
  }
  return registry.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'estoque gateway — migrated routes',
      version: '1.0.0',
      description:
        "Routes the gateway answers itself, with the legacy Flask API's exact contract (docs/legacy-api.md). " +
        'Authentication: the legacy Flask `session` cookie (log in at `/login`). Errors are `{"erro": "..."}`.',
    },
    tags: [...new Set(declarations.flatMap((route) => route.openapi.tags ?? []))].map((name) => ({ name })),
  })
}
