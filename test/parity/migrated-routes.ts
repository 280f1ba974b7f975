// The routes the parity suite must cover, derived from the gateway's own route list (never written here).
// When the route declarations land in routes/index.ts, this is the one file to adapt.
import { defaultRoutes } from '../../gateway/dispatch/route-table.js'

export type MigratedRoute = { name: string; method: string; path: string }

/** Every route the gateway answers itself by default. */
export const migratedRoutes: readonly MigratedRoute[] = defaultRoutes
  .filter((route) => route.mode !== 'legacy')
  .map(({ name, method, path }) => ({ name, method, path }))

/** ROUTES_FILE content turning fallback off on every migrated route: the gateway's own answer is compared. */
export function withoutFallback(): string {
  return JSON.stringify({ routes: Object.fromEntries(migratedRoutes.filter((r) => r.method === 'GET').map((r) => [r.name, { fallback: false }])) })
}

/** The migrated route a request goes to (method and path without query), if any. */
export function routeOf(method: string, target: string): MigratedRoute | undefined {
  const path = target.split('?', 1)[0]
  return migratedRoutes.find((route) => route.method === method && route.path === path)
}
