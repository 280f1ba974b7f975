import type { RouteDeclaration, RouteParam } from './route.js'

/**
 * The legacy app's url map, as Werkzeug would match it (compat/werkzeug). Only `match` results name a rule;
 * redirects (strict or merged slashes), 404s and 405s are the legacy app's to answer.
 */
export type UrlMapMatch =
  | { kind: 'match'; endpoint: string; rule: string; params: Record<string, unknown> }
  | { kind: 'redirect' | 'method-not-allowed' | 'not-found' | 'bad-request' }
export type UrlMatcher = {
  match(method: string, rawTarget: string): UrlMapMatch
  /** The endpoint of the legacy rule with this text that accepts this method (several rules may share a text). */
  endpointFor?(rule: string, method: string): string | undefined
}

export type RoutedRequest = { route: RouteDeclaration; params: Record<string, RouteParam> }

/**
 * From a request to the declaration the legacy app's url map dispatches it to, or none: a request reaches a
 * migrated handler exactly when the legacy app would have run the view it replaces, whatever its spelling.
 */
export class RouteRouter {
  /** By `METHOD endpoint`: Werkzeug picks the endpoint, so the declaration is found by what it picked. */
  private readonly byEndpoint = new Map<string, RouteDeclaration>()

  constructor(
    declarations: readonly RouteDeclaration[],
    private readonly urlMap: UrlMatcher,
  ) {
    for (const route of declarations) {
      for (const method of route.methods) {
        this.byEndpoint.set(`${method} ${urlMap.endpointFor?.(route.rule, method) ?? route.rule}`, route)
      }
    }
  }

  route(method: string, rawTarget: string): RoutedRequest | undefined {
    return this.resolve(method, rawTarget).routed
  }

  /** The declaration, if any, and what the url map made of the request either way (one match for both). */
  resolve(method: string, rawTarget: string): { routed: RoutedRequest | undefined; found: UrlMapMatch } {
    const found = this.urlMap.match(method, rawTarget)
    if (found.kind !== 'match') return { routed: undefined, found }
    // HEAD is served by the GET view, as in Flask.
    const endpoint = this.urlMap.endpointFor ? found.endpoint : found.rule
    const route = this.byEndpoint.get(`${method === 'HEAD' ? 'GET' : method} ${endpoint}`)
    return { routed: route && { route, params: found.params as Record<string, RouteParam> }, found }
  }
}
