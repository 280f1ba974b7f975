import { Hono } from 'hono'
import { z } from 'zod'
import type { GatewayEnv } from '../core/env.js'
import { overrideSchema, type RouteOverride, type RouteSettings } from '../core/route-settings.js'
import { validateRoutes } from '../core/validate-routes.js'
import type { LiveOverrides } from './live-overrides.js'
import { describeRoute, type ControlServices } from './route-view.js'

const changeSchema = overrideSchema.omit({ shadowIgnore: true }).extend({
  reason: z.string().trim().min(1, 'a reason is required').max(500),
  by: z.string().trim().min(1).max(100).optional(),
})
const clearSchema = z.strictObject({ reason: z.string().trim().min(1).max(500).optional(), by: z.string().trim().min(1).max(100).optional() })

export type ControlApiDeps = { settings: RouteSettings; control: ControlServices }

/**
 * The live control of routes (mounted behind the admin token):
 * `GET /_gateway/routes`, `PUT /_gateway/routes/{name}`, `DELETE /_gateway/routes/{name}/override`,
 * `GET /_gateway/audit` (schedules: control/schedule-api.ts). A change is validated like the start-up configuration, stored in the shared
 * store, applied here at once and by every other instance on its next refresh.
 */
export function controlApi({ settings, control }: ControlApiDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>()
  const { store, live, instance } = control
  const declaration = (name: string) => settings.declarations.find((route) => route.name === name)

  app.get('/_gateway/routes', (c) => c.json({ routes: settings.declarations.map((route) => describeRoute(settings, control, route.name)), live: liveStatus(live, instance) }, 200, { 'cache-control': 'no-store' }))

  app.put('/_gateway/routes/:name', async (c) => {
    const name = c.req.param('name')
    if (!declaration(name)) return c.json({ erro: 'unknown route', problems: [`unknown route "${name}"`] }, 404)
    const body = await readJson(c.req.raw)
    if (body === undefined) return c.json({ erro: 'invalid change', problems: ['the body must be a JSON object'] }, 400)
    const parsed = changeSchema.strict().safeParse(body)
    if (!parsed.success) {
      return c.json({ erro: 'invalid change', problems: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`) }, 400)
    }
    const { reason, by, ...override } = parsed.data
    const problems = changeProblems(settings, name, override)
    if (problems.length > 0) return c.json({ erro: 'invalid change', problems }, 400)
    const stored = await store.set(name, override, reason, by ?? c.req.header('x-admin-user') ?? 'admin-api')
    live.applyLocally(name, stored)
    return c.json(describeRoute(settings, control, name))
  })

  app.delete('/_gateway/routes/:name/override', async (c) => {
    const name = c.req.param('name')
    if (!declaration(name)) return c.json({ erro: 'unknown route', problems: [`unknown route "${name}"`] }, 404)
    const parsed = clearSchema.safeParse((await readJson(c.req.raw)) ?? {})
    if (!parsed.success) return c.json({ erro: 'invalid request', problems: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) }, 400)
    const cleared = await store.clear(name, parsed.data.reason ?? 'override cleared', parsed.data.by ?? c.req.header('x-admin-user') ?? 'admin-api')
    if (!cleared) return c.json({ erro: 'no live override', problems: [`route "${name}" has no live override`] }, 404)
    live.applyLocally(name, undefined)
    return c.json(describeRoute(settings, control, name))
  })

  app.get('/_gateway/audit', async (c) => {
    const limit = Number(c.req.query('limit') ?? 50)
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) return c.json({ erro: 'invalid request', problems: ['limit: an integer from 1 to 200'] }, 400)
    return c.json({ entries: await store.history(c.req.query('route'), limit) }, 200, { 'cache-control': 'no-store' })
  })
  return app
}

/** What the live layer with this change would break, in the start-up validation's words. */
export function changeProblems(settings: RouteSettings, name: string, override: RouteOverride): string[] {
  const route = settings.declarations.find((candidate) => candidate.name === name)!
  const layers = (['file', 'env'] as const).map((source) => ({ source, overrides: settings.layer(source) }))
  return validateRoutes([route], [...layers, { source: 'live', overrides: { [name]: override } }]).filter((problem) => problem.includes('(live override)'))
}

function liveStatus(live: LiveOverrides, instance: string) {
  const { refreshedAt, error } = live.status()
  return { instance, pid: process.pid, refreshedAt, storeReachable: error === null, error }
}

export async function readJson(request: Request): Promise<unknown> {
  const text = await request.text()
  if (text.trim() === '') return undefined
  try {
    const value: unknown = JSON.parse(text)
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined
  } catch {
    return undefined
  }
}
