import type { AuthInput, AuthOutcome } from './auth/require-user.js'
import { withSessionHeaders } from './auth/require-user.js'
import { httpErrorResponse, isLegacyCrash, jsonErrorResponse } from './legacy-json.js'
import type { Logger } from './logger.js'
import { isMongoUnavailable } from './mongo-errors.js'
import { BodyTooLargeError, Defer, type RouteContext } from './route.js'

/** How a gateway run ended: its answer (or a deferral), and what kind of failure a 5xx was. */
export type RouteOutcome =
  | { kind: 'response'; response: Response; failure?: 'database-unavailable' | 'error' }
  | { kind: 'defer'; reason: string; onLegacyStatus?: (status: number) => void }

export type RunRouteDeps = {
  authenticate: (input: AuthInput) => Promise<AuthOutcome>
  logger: Logger
  /**
   * Bounds the database work of runs (core/db-admission.ts): the whole run — session lookup and handler —
   * waits for a slot; refused (DbBusyError) it is answered like an unreachable database. Absent: unbounded.
   * `kind` is the route. A route that streams its upload (`body: 'streamed'`) is not admitted whole: its
   * upload is its client's time, so only its session lookup and the work its handler puts in `ctx.database()`
   * wait for a slot, each on its own.
   */
  admit?: <T>(work: () => Promise<T>, kind: string) => Promise<T>
}

/**
 * One gateway run of a declared route, the same for migrated, canary and shadow requests: the declaration's
 * policies, then its handler; errors become the legacy app's error bodies. Never throws.
 */
export async function runRoute(ctx: RouteContext, deps: RunRouteDeps): Promise<RouteOutcome> {
  if (!ctx.route.handle) return { kind: 'defer', reason: 'no-handler' }
  const session: SessionState = { authenticated: false, setCookies: [] }
  try {
    const write = ctx.request.method !== 'GET' && ctx.request.method !== 'HEAD'
    const { admit } = deps
    if (!admit) return await policiesThenHandler(ctx, deps, session)
    if (ctx.route.body === 'streamed') {
      ctx.database = (work) => admit(work, ctx.route.name)
      return await policiesThenHandler(ctx, deps, session)
    }
    // Read before the slot is taken (a slow client's body must not hold one). Its errors are the handler's
    // to meet when it reads it, in the legacy order (a 401 or a 415 before a 413).
    if (write && ctx.route.body === undefined) await ctx.body().catch(() => undefined)
    return await admit(() => policiesThenHandler(ctx, deps, session), ctx.route.name)
  } catch (error) {
    const answer = errorAnswer(error, ctx, deps.logger)
    // An error after login_required passed: Flask had opened the session, so its answer says Vary: Cookie too.
    return { kind: 'response', ...answer, response: session.authenticated ? withSessionHeaders(answer.response, session.setCookies) : answer.response }
  }
}

type SessionState = { authenticated: boolean; setCookies: readonly string[] }

async function policiesThenHandler(ctx: RouteContext, deps: RunRouteDeps, session: SessionState): Promise<RouteOutcome> {
  const { route } = ctx
  if (route.auth === 'login_required') {
    const outcome = await ctx.database(() =>
      deps.authenticate({
        cookieHeader: ctx.request.headers.get('cookie') ?? undefined,
        path: pathOf(ctx.rawTarget),
        legacyIdentity: ctx.legacyIdentity,
      }),
    )
    if (outcome instanceof Defer) return { kind: 'defer', reason: outcome.reason }
    if (outcome instanceof Response) return { kind: 'response', response: outcome }
    ctx.user = outcome.user
    session.setCookies = outcome.setCookies
    session.authenticated = true
  }
  const result = await route.handle!(ctx)
  if (result instanceof Defer) return deferOutcome(result)
  return { kind: 'response', response: route.auth === 'login_required' ? withSessionHeaders(result, session.setCookies) : result }
}

/**
 * The declaration's legacyGuard, run before the legacy app answers (docs/migrating-a-route.md): no session policy and
 * no database admission (the legacy app is the one answering); errors become answers as in runRoute.
 */
export async function runLegacyGuard(ctx: RouteContext, logger: Logger): Promise<RouteOutcome> {
  try {
    const result = await ctx.route.legacyGuard!(ctx)
    return result instanceof Defer ? deferOutcome(result) : { kind: 'response', response: result }
  } catch (error) {
    return { kind: 'response', ...errorAnswer(error, ctx, logger) }
  }
}

function deferOutcome(result: Defer): RouteOutcome {
  return { kind: 'defer', reason: result.reason, ...(result.onLegacyStatus ? { onLegacyStatus: result.onLegacyStatus } : {}) }
}

function errorAnswer(error: unknown, ctx: RouteContext, logger: Logger): { response: Response; failure?: 'database-unavailable' | 'error' } {
  const requestId = ctx.requestId
  if (error instanceof BodyTooLargeError) return { response: httpErrorResponse(413) }
  if (isMongoUnavailable(error)) {
    logger.warn({ requestId, route: ctx.route.name, err: error }, 'mongodb unavailable')
    return { response: jsonErrorResponse('Banco de dados indisponível', 503, {}, { 'retry-after': '5' }), failure: 'database-unavailable' }
  }
  if (isLegacyCrash(error)) {
    // The legacy view raises on the same data: answer as it does (docs/compatibility.md).
    logger.warn({ requestId, route: ctx.route.name, err: error }, 'data the legacy app cannot render: answered as it does (500)')
    return { response: httpErrorResponse(500) }
  }
  logger.error({ requestId, route: ctx.route.name, err: error }, 'unhandled error')
  return { response: httpErrorResponse(500), failure: 'error' }
}

/** The path of a raw target, absolute-form (`http://host/path`) included. */
function pathOf(rawTarget: string): string {
  const query = rawTarget.indexOf('?')
  const target = query === -1 ? rawTarget : rawTarget.slice(0, query)
  return target.startsWith('/') ? target : target.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/]*/, '')
}
