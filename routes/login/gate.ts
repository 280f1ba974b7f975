/**
 * The edge's checks on every `POST /login`, in both modes (docs/auth.md): the per-address limit, a `next`
 * without control characters, a form the gateway reads exactly as Werkzeug does, and the per-e-mail
 * lockout keyed by the e-mail exactly as the legacy view looks it up (`strip().lower()`).
 */
import { pythonLower, pythonStrip } from '../../compat/python/unicode.js'
import { parseMultipartForm } from '../../compat/werkzeug/multipart-form.js'
import { QueryDecodeError } from '../../compat/werkzeug/query-string.js'
import { BodyTooLargeError, type RouteContext } from '../../core/route.js'
import { discardRest } from '../../core/route-context.js'
import type { Logger } from '../../core/logger.js'
import { firstValue, parseUrlencodedStrict } from './form.js'
import type { FixedWindowLimiter } from './rate-limit.js'
import { HTML, TOO_MANY_REQUESTS_BODY, errorPage } from './responses.js'

/** A real login form posts well under 1 KiB; form bodies above this are refused (413) in both modes. */
export const LOGIN_BODY_LIMIT_BYTES = 16 * 1024

export type LoginLimits = { perAddress: FixedWindowLimiter; perEmail: FixedWindowLimiter; logger: Logger }

export type LoginAttempt = {
  /** `urlencoded` / `multipart`: the body was read (and is replayed to the legacy app); `other`: Werkzeug's form is empty. */
  encoding: 'urlencoded' | 'multipart' | 'other'
  form: Array<[string, string]>
  /** `request.form.get("email", "").strip().lower()`: the lookup key, and the lockout's. */
  email: string
  /** `request.args.get("next")`. */
  next: string | undefined
}

/**
 * C0 controls but tab, DEL and C1 controls: no redirect target has them (CR/LF make the legacy app crash).
 * A tab is dropped by Werkzeug's `urlsplit` as by browsers; what it leads to is checked on the way back.
 */
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/

/** The legacy view's `email.strip().lower()` (compat/python: CPython 3.11's whitespace and case tables). */
export const legacyEmailKey = (raw: string): string => pythonLower(pythonStrip(raw))

/**
 * Either a refusal (429, 400, 413) or the attempt, read. A non-empty e-mail is counted against its limit
 * here, before any password is checked, so parallel attempts cannot overrun it; a success gives the count
 * back (`succeeded`).
 */
export async function loginGate(ctx: RouteContext, limits: LoginLimits): Promise<Response | LoginAttempt> {
  const byAddress = limits.perAddress.hit(ctx.peerAddress)
  if (!byAddress.allowed) return tooManyRequests(ctx, byAddress.retryAfterSeconds, limits.logger, 'address')

  let next: string | undefined
  try {
    next = ctx.args().get('next')
  } catch (error) {
    if (!(error instanceof QueryDecodeError)) throw error
    return badRequest(ctx, limits.logger, 'query', 'O endereço da requisição não está em UTF-8.')
  }
  if (next !== undefined && CONTROL.test(next)) {
    return badRequest(ctx, limits.logger, 'next', 'O parâmetro next contém caracteres de controle.')
  }

  const contentType = ctx.request.headers.get('content-type') ?? ''
  const mimetype = contentType.split(';', 1)[0]!.trim().toLowerCase()
  const encoding = mimetype === 'application/x-www-form-urlencoded' ? 'urlencoded' : mimetype === 'multipart/form-data' ? 'multipart' : 'other'
  let form: Array<[string, string]> = []
  if (encoding !== 'other') {
    const declared = ctx.request.headers.get('content-length')
    if (declared !== null && Number(declared) > LOGIN_BODY_LIMIT_BYTES) {
      return tooLarge(ctx, limits.logger, ctx.request.body ? await discardRest(ctx.request.body.getReader()) : true)
    }
    let body: Uint8Array
    try {
      body = await ctx.body()
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error
      return tooLarge(ctx, limits.logger, false) // chunked: whatever is left unread after the discard bound
    }
    const parsed = encoding === 'urlencoded' ? parseUrlencodedStrict(body) : parseMultipartForm(body, contentType)
    if (parsed === null) return badRequest(ctx, limits.logger, encoding, 'O formulário de login não pôde ser lido.')
    form = parsed
  }

  const email = legacyEmailKey(firstValue(form, 'email') ?? '')
  if (email) {
    const byEmail = limits.perEmail.hit(email)
    if (!byEmail.allowed) return tooManyRequests(ctx, byEmail.retryAfterSeconds, limits.logger, 'email')
  }
  return { encoding, form, email, next }
}

/** The attempt succeeded: it does not count against its e-mail. */
export function succeeded(attempt: LoginAttempt, limits: LoginLimits): void {
  if (attempt.email) limits.perEmail.refund(attempt.email)
}

/** For an attempt the legacy app decides: only its failed-login form (200) keeps the attempt counted. */
export function countLegacyVerdict(attempt: LoginAttempt, limits: LoginLimits): (status: number) => void {
  return (status) => {
    if (status !== 200) succeeded(attempt, limits)
  }
}

function tooLarge(ctx: RouteContext, logger: Logger, bodyRead: boolean): Response {
  logger.warn({ requestId: ctx.requestId, limitBytes: LOGIN_BODY_LIMIT_BYTES, bodyRead }, 'login body too large')
  const page = errorPage(413, 'Request Entity Too Large', `O formulário de login passa de ${LOGIN_BODY_LIMIT_BYTES / 1024} KiB.`)
  // A connection whose request body was not read to the end cannot carry another request.
  return new Response(page, { status: 413, headers: { 'content-type': HTML, ...(bodyRead ? {} : { connection: 'close' }) } })
}

function tooManyRequests(ctx: RouteContext, retryAfterSeconds: number, logger: Logger, limit: 'address' | 'email'): Response {
  logger.warn({ requestId: ctx.requestId, limit, retryAfterSeconds }, 'login rate limited')
  return new Response(TOO_MANY_REQUESTS_BODY, { status: 429, headers: { 'content-type': HTML, 'retry-after': String(retryAfterSeconds) } })
}

function badRequest(ctx: RouteContext, logger: Logger, what: string, description: string): Response {
  logger.warn({ requestId: ctx.requestId, what }, 'login request refused')
  return new Response(errorPage(400, 'Bad Request', description), { status: 400, headers: { 'content-type': HTML } })
}
