import { z } from 'zod'

/**
 * The migration's single decision point, as data: each legacy route the gateway knows, and who answers it.
 * A request whose raw method + path is not listed here goes to the legacy app.
 *
 * - `legacy`: proxied.
 * - `shadow`: the legacy app answers; for GET the gateway's handler also runs, aside, and the two JSON
 *   bodies are compared (fields listed in `shadowIgnore` may differ).
 * - `canary`: `canaryPercent` % of sessions (sticky) are answered by the gateway, the rest by legacy.
 * - `migrated`: the gateway answers; with `fallback`, a GET that fails (5xx, timeout, MongoDB down) is
 *   answered by the legacy app instead.
 */
export const routeModes = ['legacy', 'shadow', 'canary', 'migrated'] as const
export type RouteMode = (typeof routeModes)[number]

export type RouteEntry = {
  /** Stable name used in configuration overrides, logs and metrics. */
  name: string
  method: 'GET' | 'POST'
  /** The exact canonical path as the legacy app declares it (Flask rule without converters). */
  path: string
  mode: RouteMode
  /** canary: share of sessions, 0–100, served by the gateway. */
  canaryPercent?: number
  /** migrated/canary: idempotent requests fall back to the legacy app when the gateway fails. */
  fallback?: boolean
  /** shadow: JSON paths (dot-separated, `*` for any key or index) whose values may legitimately differ. */
  shadowIgnore?: string[]
}

export const defaultRoutes: readonly RouteEntry[] = [
  { name: 'estoque-hierarquia', method: 'GET', path: '/api/estoque/hierarquia', mode: 'migrated', fallback: true },
  { name: 'movimentacoes-list', method: 'GET', path: '/api/movimentacoes', mode: 'migrated', fallback: true },
  { name: 'movimentacoes-create', method: 'POST', path: '/api/movimentacoes', mode: 'migrated' },
  { name: 'dashboard', method: 'GET', path: '/api/dashboard', mode: 'migrated', fallback: true },
  // Login moves to the gateway with ROUTE_MODES=login=migrated,logout=migrated (docs/auth.md).
  { name: 'login', method: 'POST', path: '/login', mode: 'legacy' },
  { name: 'logout', method: 'GET', path: '/logout', mode: 'legacy' },
]

export type RouteOverride = Partial<Pick<RouteEntry, 'mode' | 'canaryPercent' | 'fallback' | 'shadowIgnore'>>

const overrideSchema = z.strictObject({
  mode: z.enum(routeModes).optional(),
  canaryPercent: z.number().min(0).max(100).optional(),
  fallback: z.boolean().optional(),
  shadowIgnore: z.array(z.string().min(1)).optional(),
})
const overridesFileSchema = z.strictObject({ routes: z.record(z.string(), overrideSchema) })

/**
 * `ROUTE_MODES="dashboard=legacy,estoque-hierarquia=shadow,movimentacoes-list=canary:25"` switches routes
 * without a code change. Unknown names or modes are configuration errors, not silently ignored.
 */
export function parseModeOverrides(spec: string, routes: readonly RouteEntry[]): Record<string, RouteOverride> {
  const overrides: Record<string, RouteOverride> = {}
  for (const pair of spec.split(',').map((part) => part.trim()).filter(Boolean)) {
    const [name = '', value = ''] = pair.split('=').map((piece) => piece.trim())
    assertKnown(name, routes)
    const [mode, percent] = value.split(':')
    const parsed = overrideSchema.safeParse({
      mode,
      ...(percent === undefined ? {} : { canaryPercent: Number(percent) }),
    })
    if (!parsed.success || (percent !== undefined && mode !== 'canary')) {
      throw new Error(`"${pair}": expected NAME=MODE with MODE one of ${routeModes.join(', ')} (canary:PERCENT for canary)`)
    }
    overrides[name] = parsed.data
  }
  return overrides
}

/** The same overrides as a JSON document (`ROUTES_FILE`): `{"routes": {"dashboard": {"mode": "shadow"}}}`. */
export function parseOverridesFile(json: string, routes: readonly RouteEntry[]): Record<string, RouteOverride> {
  const parsed = overridesFileSchema.safeParse(JSON.parse(json))
  if (!parsed.success) throw new Error(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '))
  for (const name of Object.keys(parsed.data.routes)) assertKnown(name, routes)
  return parsed.data.routes
}

function assertKnown(name: string, routes: readonly RouteEntry[]): void {
  if (!routes.some((route) => route.name === name)) {
    throw new Error(`unknown route "${name}" (known: ${routes.map((route) => route.name).join(', ')})`)
  }
}

export class RouteTable {
  readonly routes: readonly RouteEntry[]
  private readonly byKey: Map<string, RouteEntry>

  constructor(routes: readonly RouteEntry[], ...overrideLayers: Array<Record<string, RouteOverride>>) {
    this.routes = routes.map((route) => {
      const merged: RouteEntry = Object.assign({}, route, ...overrideLayers.map((layer) => layer[route.name] ?? {}))
      if (merged.mode === 'canary' && merged.canaryPercent === undefined) merged.canaryPercent = 10
      return merged
    })
    this.byKey = new Map(this.routes.map((route) => [`${route.method} ${route.path}`, route]))
  }

  /**
   * Matches the raw request target, byte for byte. Any other spelling of a path (trailing or repeated
   * slashes, percent-encoding, dot segments, case) is left to the legacy app, which routes or refuses it
   * exactly as it always did; so no variant can reach a gateway handler that the legacy app would treat
   * differently.
   */
  match(method: string, rawTarget: string): RouteEntry | undefined {
    const queryStart = rawTarget.indexOf('?')
    const path = queryStart === -1 ? rawTarget : rawTarget.slice(0, queryStart)
    return this.byKey.get(`${method} ${path}`)
  }
}
