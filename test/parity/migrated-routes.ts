// The routes the parity suite must cover, derived from the route declarations (routes/index.ts), matched
// with the gateway's own router over the legacy url map: nothing about routes is written down here.
import type { RouteDeclaration } from '../../core/route.js'
import { RouteRouter } from '../../core/router.js'
import { legacyUrlMap } from '../../gateway/routing/url-map.js'
import { routeDeclarations } from '../../routes/index.js'

/** Every declared route the gateway answers itself by default. */
export const migratedRoutes: readonly RouteDeclaration[] = routeDeclarations.filter((route) => route.mode !== 'legacy')

const router = new RouteRouter(migratedRoutes, legacyUrlMap())

/** ROUTES_FILE content turning fallback off on every migrated route: the gateway's own answer is compared. */
export function withoutFallback(): string {
  return JSON.stringify({ routes: Object.fromEntries(migratedRoutes.filter((r) => r.fallback).map((r) => [r.name, { fallback: false }])) })
}

/** The migrated route the legacy app's url map dispatches a request to, if any (HEAD goes to the GET view). */
export function routeOf(method: string, target: string): RouteDeclaration | undefined {
  return router.route(method, target)?.route
}
