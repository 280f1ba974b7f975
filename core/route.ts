import type { RouteConfig } from '@hono/zod-openapi'
import type { Db } from 'mongodb'
import type { SessionUser } from './auth/session-user.js'
import type { Logger } from './logger.js'
import type { ResponseCache } from './response-cache.js'
import type { GuardPolicy } from './guard-policy.js'

/**
 * A migrated route, declared once in its `routes/<group>/` folder. Everything else — the router, the
 * dispatcher's decisions, `/_gateway/routes`, OpenAPI, docs/routes.md, the parity suite's lists — is derived
 * from the list of declarations (routes/index.ts).
 */
export type RouteDeclaration = {
  /** Stable name used by ROUTE_MODES / ROUTES_FILE / the admin API, logs and metrics. */
  name: string
  /** The methods the gateway answers; HEAD is implied by GET, as in Werkzeug. */
  methods: readonly RouteMethod[]
  /** The Flask rule exactly as the legacy app declares it, converters included (`/api/x/<int:id>`). */
  rule: string
  /** Default mode; overridable by ROUTES_FILE, ROUTE_MODES and live overrides. */
  mode: RouteMode
  /** Idempotent requests the gateway fails (5xx other than "database unavailable") are answered by the legacy app. */
  fallback?: boolean
  /** `login_required`: Flask-Login's decorator (session or remember-me cookie); `none`: public. */
  auth: 'login_required' | 'none'
  /** Request bodies above this are refused with the legacy 413 (default BODY_LIMIT_BYTES). */
  bodyLimitBytes?: number
  /**
   * `streamed`: the handler consumes the body as a stream while it runs (an upload), outside the database
   * bound, and puts its database work under it with `ctx.database()`; `unread`: it never reads
   * it. Otherwise a write's body is read whole (up to the limit) before its run waits for a database slot, so
   * a slow client holds none.
   */
  body?: 'streamed' | 'unread'
  /** Automatic rollback guards (core/guard-policy.ts); overridable by ROUTES_FILE and live overrides. */
  guards?: GuardPolicy
  /**
   * Shadow mode: JSON paths that may legitimately differ; the share of requests compared (default
   * SHADOW_SAMPLE_RATE); a write route must say how it is compared (`validation-only`: its handler stops
   * before writing when `ctx.shadow`), and may read back the stored effect of an accepted legacy write.
   */
  shadow?: {
    ignore?: readonly string[]
    sampleRate?: number
    compareWrites?: 'validation-only'
    readBack?: (db: Db, legacyAnswer: unknown) => Promise<Response | undefined>
  }
  /** OpenAPI description (request/responses); method and path are derived from the declaration. */
  openapi: Omit<RouteConfig, 'method' | 'path'>
  /** Absent while a route is only declared (scaffolded): it can then only be in `legacy` mode. */
  handle?: RouteHandler
  /**
   * Runs whenever the legacy app is to answer this route by its mode or the canary draw (not shadow): the
   * edge's checks before the legacy app sees the request. A Response answers (a refusal); a Defer sends the
   * request on, with the body it read and its observer of the legacy's status.
   */
  legacyGuard?: RouteHandler
  /**
   * Every legacy answer to this route (whatever sent it there) keeps a `Location` only when a browser would
   * stay on the gateway's origin following it (core/safe-redirect.ts); any other becomes `fallback`.
   */
  safeRedirects?: { fallback: string }
}

export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH'
export const routeModes = ['legacy', 'shadow', 'canary', 'migrated'] as const
export type RouteMode = (typeof routeModes)[number]

/** A value from a Flask rule converter (`int` may be a bigint beyond 2^53, like a Python int). */
export type RouteParam = string | number | bigint

export type RouteServices = {
  db: Db
  logger: Logger
  /** Response cache (CACHE_TTL_MS > 0). */
  cache?: ResponseCache
  /** Limits and settings handlers need (from the gateway's config). */
  settings: RouteRuntimeSettings
}

export type RouteRuntimeSettings = {
  secretKeys: readonly string[]
  bodyLimitBytes: number
  loginRateLimitPerIp: number
  loginRateLimitPerEmail: number
  /** IDEMPOTENCY_LEASE_MS (the movements route's default when absent). */
  idempotencyLeaseMs?: number
}

/** What a handler sees: Web-standard request plus what the declaration's policies established. */
export type RouteContext = RouteServices & {
  route: RouteDeclaration
  /** The request; its URL is built from the raw request target, whose bytes are in `rawTarget`. */
  request: Request
  method: string
  rawTarget: string
  params: Readonly<Record<string, RouteParam>>
  /** `request.args` as Werkzeug decodes it (first value per key). */
  args(): Map<string, string>
  /** The request body, read once, at most `bodyLimitBytes` (throws BodyTooLargeError beyond). */
  body(): Promise<Uint8Array>
  /** Set by the `login_required` policy. */
  user: SessionUser | undefined
  requestId: string
  /** The TCP peer, and Flask-Login's session identifier as the legacy app would compute it for this request. */
  peerAddress: string
  legacyIdentity: string
  /** True when the run is a shadow comparison: the answer is compared, never sent, and nothing may be written. */
  shadow: boolean
  /**
   * Runs database work under the database bound. A `body: 'streamed'` route's handler runs outside it (its
   * upload is its client's time) and wraps its database work in this; for any other route the whole run is
   * already inside, and this just runs `work`.
   */
  database<T>(work: () => Promise<T>): Promise<T>
}

export type RouteHandler = (ctx: RouteContext) => Promise<Response | Defer>

/** "This request is the legacy app's to answer": returned by handlers and policies, acted on by the dispatcher. */
export class Defer {
  constructor(
    readonly reason: string,
    /** Told the status the legacy app answers with (not called when it never answers). */
    readonly onLegacyStatus?: (status: number) => void,
  ) {}
}
export const defer = (reason: string, onLegacyStatus?: (status: number) => void): Defer => new Defer(reason, onLegacyStatus)

export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`request body over ${limitBytes} bytes`)
  }
}

/** Identity helper that checks a declaration's shape where it is written. */
export function defineRoute(declaration: RouteDeclaration): RouteDeclaration {
  return declaration
}

/** One legacy route group: its declarations and the indexes they rely on. */
export type RouteGroup = {
  name: string
  routes: readonly RouteDeclaration[]
  /** Creates the group's indexes (idempotent). */
  ensureIndexes?: (db: Db) => Promise<void>
}

export function defineGroup(group: RouteGroup): RouteGroup {
  return group
}

export const isIdempotentMethod = (method: string): boolean => method === 'GET' || method === 'HEAD'
