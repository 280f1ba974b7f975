import type { Context, MiddlewareHandler } from 'hono'
import type { GatewayEnv } from './env.js'
import { decide, type Decision, type Side } from './decision.js'
import { canaryIdentity, type CanaryIdentity } from './canary.js'
import { isAlreadySent } from './response-info.js'
import { isIdempotentMethod, type RouteDeclaration, type RouteServices } from './route.js'
import { rawTargetOf, requestFacts, routeContext, type RequestFacts } from './route-context.js'
import type { EffectiveRoute, RouteSettings } from './route-settings.js'
import type { RoutedRequest, RouteRouter } from './router.js'
import { runLegacyGuard, runRoute, type RouteOutcome, type RunRouteDeps } from './run-route.js'

/** A copy of the legacy app's response as it passed to the client (shadow comparisons). */
export type LegacyCopy = {
  status: number
  contentType: string | undefined
  /** The body as the legacy app sent it; null when over the limit or content-encoded. */
  body: Buffer | null
}

export type LegacyForwardInit = {
  /** The request body, when a gateway handler has already read it. */
  body?: Uint8Array
  /** Keep a copy of the response (up to `limitBytes`), handed to `done` when the legacy app has sent it all. */
  copy?: { limitBytes: number; done(copy: LegacyCopy): void }
  /** What to do with the legacy app's answer before it reaches the client. */
  relay?: RelayPolicy
}

/** What the proxy does with the legacy app's answer to one request, before any of it reaches the client. */
export type RelayPolicy = {
  /** A Location a browser would follow off the gateway's origin becomes this path. */
  sameOriginRedirects?: string
  /** Told the legacy app's status. */
  onStatus?: (status: number) => void
}

/** The legacy proxy: answers the request; resolves once the client's response is finished. */
export type LegacyForward = (c: Context<GatewayEnv>, init?: LegacyForwardInit) => Promise<Response>

/** A finished decision with its outcome, for metrics, logs and guards. */
export type DecisionEvent = Decision & { method: string; status?: number; failure?: string }

/**
 * How a declared route's request ended, once answered: who answered, its status, how long it took. `failure`
 * says how a gateway run failed; `fallback`: the gateway failed and the legacy app answered.
 */
export type OutcomeEvent = { route: string; side: Side; status: number; ms: number; failure?: 'database-unavailable' | 'error'; fallback?: boolean }

export type ShadowRequest = {
  c: Context<GatewayEnv>
  route: EffectiveRoute
  facts: RequestFacts
  /** The gateway's run of the same request, exactly as in migrated mode but marked `shadow`. */
  runGateway: (body?: Uint8Array) => Promise<RouteOutcome>
}

export type DispatchOptions = RunRouteDeps & {
  router: RouteRouter
  settings: RouteSettings
  services: RouteServices
  legacy: LegacyForward
  /** Shadow mode: the legacy app answers the client; the comparison runs aside. */
  shadow: (request: ShadowRequest) => Promise<Response>
  observe: (event: DecisionEvent) => void
  /** Every answered request of a declared route (the guards' windows); must not block. */
  outcome?: (event: OutcomeEvent) => void
  /** A tester's explicit choice of side (admin-authorized header), if any. */
  overrideSide?: (c: Context<GatewayEnv>) => Side | undefined
}

/**
 * The one decision point: the router names the declaration (or none), the route's settings pick a side,
 * and every outcome that hands the request on — a deferral, a fallback — is acted on here and counted.
 */
export function dispatch(options: DispatchOptions): MiddlewareHandler<GatewayEnv> {
  const { router, settings, legacy, observe } = options
  return async (c) => {
    let identity: CanaryIdentity | undefined
    const stickyKey = () => {
      if (!identity) {
        identity = canaryIdentity(c.req.header('cookie'), options.services.settings.secretKeys)
        // For a proxied answer, which is written straight to the raw Node response (the proxy keeps it).
        if (identity.setCookie) c.env?.outgoing?.appendHeader('set-cookie', identity.setCookie)
      }
      return identity.key
    }
    const response = await decideAndServe(c, stickyKey)
    return identity?.setCookie ? withCookie(c, response, identity.setCookie) : response
  }

  async function decideAndServe(c: Context<GatewayEnv>, stickyKey: () => string): Promise<Response> {
    const started = performance.now()
    const report = (route: string, side: Side, response: Response, extra: Pick<OutcomeEvent, 'failure' | 'fallback'> = {}) => {
      const status = isAlreadySent(response) ? (c.env?.outgoing?.statusCode ?? 0) : response.status
      options.outcome?.({ route, side, status, ms: performance.now() - started, ...extra })
      return response
    }
    const { routed, found } = router.resolve(c.req.method, rawTargetOf(c))
    if (!routed) {
      c.set('routeName', 'unlisted')
      c.set('legacyEndpoint', found.kind === 'match' ? found.endpoint : `(${found.kind})`)
      return legacy(c)
    }
    // Only a declared route needs the rest (the session identifier is a SHA-512).
    const facts = requestFacts(c)
    const effective = settings.get(routed.route.name)
    c.set('routeName', effective.name)
    const override = options.overrideSide?.(c)
    const decision = decide(effective, { stickyKey, ...(override ? { override } : {}) })
    if (decision.side === 'legacy') {
      if (effective.mode === 'shadow' && decision.why === 'mode') {
        observe({ method: facts.method, ...decision })
        return report(effective.name, 'legacy', await options.shadow({ c, route: effective, facts, runGateway: (body) => run(routed, facts, options, { shadow: true, body }) }))
      }
      if (routed.route.legacyGuard) return guardedLegacy(c, routed, facts, decision, options, report)
      observe({ method: facts.method, ...decision })
      return report(effective.name, 'legacy', await legacy(c, relayInit(routed.route)))
    }
    return serveFromGateway(c, routed, facts, effective, decision, options, report)
  }
}

/**
 * Gives a new anonymous canary client its gw_canary cookie. A proxied answer was already written to the
 * raw Node response, which keeps the cookie set on it beforehand.
 */
function withCookie(c: Context<GatewayEnv>, response: Response, setCookie: string): Response {
  if (isAlreadySent(response)) return response
  const copy = new Response(response.body, response)
  copy.headers.append('set-cookie', setCookie)
  return copy
}

async function serveFromGateway(
  c: Context<GatewayEnv>,
  routed: RoutedRequest,
  facts: RequestFacts,
  effective: EffectiveRoute,
  decision: Decision,
  options: DispatchOptions,
  report: (route: string, side: Side, response: Response, extra?: Pick<OutcomeEvent, 'failure' | 'fallback'>) => Response,
): Promise<Response> {
  const ctx = routeContext(facts, routed.route, routed.params, options.services, { shadow: false })
  const outcome = await runRoute(ctx, options)
  const { method } = facts
  if (outcome.kind === 'defer') {
    options.observe({ route: effective.name, side: 'legacy', why: 'defer', detail: outcome.reason, method })
    return report(effective.name, 'legacy', await options.legacy(c, relayInit(routed.route, ctx.bodyBytes(), outcome.onLegacyStatus)))
  }
  const { response, failure } = outcome
  // The legacy app shares the database: when it is down, the legacy would only wait on it too.
  if (effective.fallback && failure === 'error' && isIdempotentMethod(method)) {
    options.observe({ route: effective.name, side: 'legacy', why: 'fallback', detail: `status-${response.status}`, method })
    await response.body?.cancel().catch(() => undefined)
    return report(effective.name, 'legacy', await options.legacy(c, relayInit(routed.route)), { failure, fallback: true })
  }
  // Spreads last (core/route-context.ts says why): a decision has none of these keys.
  const event: DecisionEvent = { method, status: response.status, ...decision }
  if (failure) event.failure = failure
  options.observe(event)
  return report(effective.name, 'gateway', response, failure ? { failure } : {})
}

/**
 * The legacy app answers by mode (or the canary draw), after the declaration's legacyGuard: its refusal
 * (a Response) is the answer; otherwise the request goes on with what the guard read.
 */
async function guardedLegacy(
  c: Context<GatewayEnv>,
  routed: RoutedRequest,
  facts: RequestFacts,
  decision: Decision,
  options: DispatchOptions,
  report: (route: string, side: Side, response: Response) => Response,
): Promise<Response> {
  const ctx = routeContext(facts, routed.route, routed.params, options.services, { shadow: false })
  const outcome = await runLegacyGuard(ctx, options.logger)
  if (outcome.kind === 'response') {
    options.observe({ route: decision.route, why: decision.why, side: 'gateway', detail: 'legacy-guard', method: facts.method, status: outcome.response.status })
    return report(decision.route, 'gateway', outcome.response)
  }
  options.observe({ method: facts.method, ...decision })
  return report(decision.route, 'legacy', await options.legacy(c, relayInit(routed.route, ctx.bodyBytes(), outcome.onLegacyStatus)))
}

function relayInit(route: RouteDeclaration, body?: Uint8Array, onStatus?: (status: number) => void): LegacyForwardInit | undefined {
  const relay: RelayPolicy = {
    ...(route.safeRedirects ? { sameOriginRedirects: route.safeRedirects.fallback } : {}),
    ...(onStatus ? { onStatus } : {}),
  }
  const init = { ...(body ? { body } : {}), ...(Object.keys(relay).length > 0 ? { relay } : {}) }
  return Object.keys(init).length > 0 ? init : undefined
}

function run(routed: RoutedRequest, facts: RequestFacts, options: DispatchOptions, init: { shadow: boolean; body?: Uint8Array }) {
  return runRoute(routeContext(facts, routed.route, routed.params, options.services, init), options)
}

