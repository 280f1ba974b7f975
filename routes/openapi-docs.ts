import { OpenAPIHono, createRoute } from '@hono/zod-openapi'
import { Hono } from 'hono'
import type { GatewayEnv } from '../core/env.js'
import type { RouteDeclaration } from '../core/route.js'
import { swaggerUi } from './swagger-ui.js'

/**
 * `GET /openapi.json` (the migrated routes' OpenAPI 3.1 document, generated from their declarations) and
 * `GET /docs` (Swagger UI over it, served offline: routes/swagger-ui.ts). Gateway-own endpoints: mount them before the dispatcher.
 */
export function openApiDocs(declarations: readonly RouteDeclaration[], toPath: (rule: string) => string): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>()
  let document: unknown
  app.get('/openapi.json', (c) => {
    document ??= openApiDocument(declarations, toPath)
    return c.json(document as object, 200, { 'cache-control': 'no-store' })
  })
  app.route('/', swaggerUi())
  return app
}

const SESSION_SCHEME = 'session'

export function openApiDocument(declarations: readonly RouteDeclaration[], toPath: (rule: string) => string): unknown {
  const registry = new OpenAPIHono()
  registry.openAPIRegistry.registerComponent('securitySchemes', SESSION_SCHEME, {
    type: 'apiKey',
    in: 'cookie',
    name: 'session',
    description: "The legacy Flask session cookie (Flask-Login's `_user_id`), set by `POST /login`.",
  })
  for (const route of declarations) {
    // Derived from the declaration, so the document cannot disagree with what the dispatcher enforces.
    const security = route.auth === 'login_required' ? [{ [SESSION_SCHEME]: [] }] : []
    for (const method of route.methods) {
      registry.openAPIRegistry.registerPath(
        createRoute({ ...route.openapi, security, method: method.toLowerCase() as 'get', path: toPath(route.rule) }),
      )
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
