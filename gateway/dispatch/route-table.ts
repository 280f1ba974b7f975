import { z } from 'zod'

/**
 * The migration's single decision point, as data: each legacy route the gateway knows, and who answers it.
 * A request whose raw method + path is not listed here (or is listed as `legacy`) goes to the legacy app.
 */
export const routeModes = ['legacy', 'migrated'] as const
export type RouteMode = (typeof routeModes)[number]

export type RouteEntry = {
  /** Stable name used in configuration overrides, logs and metrics. */
  name: string
  method: 'GET' | 'POST'
  /** The exact canonical path as the legacy app declares it (Flask rule without converters). */
  path: string
  mode: RouteMode
}

export const defaultRoutes: readonly RouteEntry[] = [
  { name: 'estoque-hierarquia', method: 'GET', path: '/api/estoque/hierarquia', mode: 'migrated' },
  { name: 'movimentacoes-list', method: 'GET', path: '/api/movimentacoes', mode: 'migrated' },
  { name: 'movimentacoes-create', method: 'POST', path: '/api/movimentacoes', mode: 'migrated' },
  { name: 'dashboard', method: 'GET', path: '/api/dashboard', mode: 'migrated' },
]

const overridesSchema = z.record(z.string(), z.enum(routeModes))

/**
 * `ROUTE_MODES="dashboard=legacy,movimentacoes-create=legacy"` switches routes without a code change.
 * Unknown names or modes are configuration errors, not silently ignored.
 */
export function parseModeOverrides(spec: string, routes: readonly RouteEntry[]): Record<string, RouteMode> {
  const pairs = spec.split(',').map((part) => part.trim()).filter(Boolean)
  const entries = pairs.map((pair) => {
    const [name = '', mode = ''] = pair.split('=').map((piece) => piece.trim())
    if (!routes.some((route) => route.name === name)) {
      throw new Error(`unknown route "${name}" (known: ${routes.map((route) => route.name).join(', ')})`)
    }
    return [name, mode]
  })
  const parsed = overridesSchema.safeParse(Object.fromEntries(entries))
  if (!parsed.success) throw new Error(`modes must be one of ${routeModes.join(', ')}`)
  return parsed.data
}

export class RouteTable {
  readonly routes: readonly RouteEntry[]
  private readonly byKey: Map<string, RouteEntry>

  constructor(routes: readonly RouteEntry[], overrides: Record<string, RouteMode> = {}) {
    this.routes = routes.map((route) => ({ ...route, mode: overrides[route.name] ?? route.mode }))
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
