import type { Db } from 'mongodb'
import type { LegacyCopy, LegacyForward, ShadowRequest } from '../../core/dispatch.js'
import { isIdempotentMethod, type RouteDeclaration } from '../../core/route.js'
import type { RouteOutcome } from '../../core/run-route.js'
import { compareRead, compareWrite, type Comparison, type SideAnswer } from './compare.js'
import { legacyRefetch } from './legacy-refetch.js'
import type { NoiseModel } from './noise.js'
import type { ShadowRecorder } from './shadow-recorder.js'

export type ShadowRunnerSettings = {
  /** Default share of a shadow route's requests compared (a route's own rate wins). */
  sampleRate: number
  /** Share of compared GETs on which the legacy app is also asked twice, to learn noise. */
  noiseSampleRate: number
  /** Wait before a mismatch is asked again of both sides; 0 = no re-check. */
  recheckDelayMs: number
  /** Comparisons running at once per process; the next ones are not compared (`skipped`). */
  maxInFlight: number
  /** Largest legacy answer (and write body) copied for a comparison. */
  bodyLimitBytes: number
  legacyUrl: string
  /** Timeout of a direct re-fetch from the legacy app. */
  legacyTimeoutMs: number
}

export type ShadowRunnerDeps = {
  legacy: LegacyForward
  recorder: ShadowRecorder
  noise: NoiseModel
  db: Db
  /** The declarations, for their shadow options (read-back of writes). */
  declarations: readonly RouteDeclaration[]
  random?: () => number
}

/**
 * Shadow mode: the legacy app answers the client (its response is copied as it streams), then the gateway's
 * run of the same request is compared with it, off the request's path. Sampled per route, bounded in
 * concurrency; a write is compared by its validation and stored effect (compare.ts), never run twice.
 */
export function shadowRunner(deps: ShadowRunnerDeps, settings: ShadowRunnerSettings) {
  const random = deps.random ?? Math.random
  let inFlight = 0
  const shadowOptions = new Map(deps.declarations.flatMap((declaration) => (declaration.shadow ? [[declaration.name, declaration.shadow] as const] : [])))
  return async ({ c, route, facts, runGateway }: ShadowRequest): Promise<Response> => {
    const rate = route.shadowSampleRate ?? settings.sampleRate
    if (rate <= 0 || (rate < 1 && random() >= rate)) return deps.legacy(c)
    const meta = { requestId: facts.requestId, target: facts.rawTarget, method: facts.method }
    if (inFlight >= settings.maxInFlight) {
      const response = await deps.legacy(c)
      deps.recorder.record(route.name, meta, skipped(response.status, 'busy: SHADOW_MAX_IN_FLIGHT comparisons running'))
      return response
    }
    const read = isIdempotentMethod(facts.method)
    let body: Uint8Array | undefined
    if (!read) {
      // A write is compared only with its body at hand (read here, then handed to the proxy).
      const declared = Number(c.req.header('content-length') ?? Number.NaN)
      if (!Number.isFinite(declared) || declared > settings.bodyLimitBytes) {
        const response = await deps.legacy(c)
        deps.recorder.record(route.name, meta, skipped(response.status, 'write body of unknown length or over SHADOW_BODY_LIMIT_BYTES'))
        return response
      }
      body = new Uint8Array(await c.req.arrayBuffer())
    }
    inFlight++
    let released = false
    const release = () => {
      if (!released) inFlight--
      released = true
    }
    let copied: LegacyCopy | undefined
    let legacyMs = 0
    const started = performance.now()
    const refetch = read && c.env?.incoming ? legacyRefetch(c.env.incoming, facts.rawTarget, facts.requestId, { legacyUrl: settings.legacyUrl, timeoutMs: settings.legacyTimeoutMs, limitBytes: settings.bodyLimitBytes }) : undefined
    let response: Response
    try {
      response = await deps.legacy(c, {
        ...(body ? { body } : {}),
        copy: {
          limitBytes: settings.bodyLimitBytes,
          done: (copy) => {
            copied = copy
            legacyMs = performance.now() - started
          },
        },
      })
    } catch (error) {
      release()
      throw error
    }
    setImmediate(() => {
      void (async () => {
        try {
          if (!copied) {
            deps.recorder.record(route.name, meta, skipped(response.status, 'no copy of the legacy answer'))
            return
          }
          const legacyAnswer: SideAnswer = { status: copied.status, contentType: copied.contentType, body: copied.body }
          const gateway = async () => answerOf(await runGateway(body))
          const declared = shadowOptions.get(route.name)
          const input = { route: route.name, ignore: route.shadowIgnore, noise: deps.noise, legacy: legacyAnswer, legacyMs, runGateway: gateway }
          const comparison = read
            ? await compareRead({
                ...input,
                ...(refetch ? { askLegacyAgain: refetch } : {}),
                probeNoise: random() < settings.noiseSampleRate,
                recheckDelayMs: settings.recheckDelayMs,
              })
            : await compareWrite({
                ...input,
                ...(declared?.readBack ? { readBack: async (json) => answerOrUndefined(await declared.readBack!(deps.db, json)) } : {}),
              })
          deps.recorder.record(route.name, meta, comparison)
        } catch (error) {
          deps.recorder.record(route.name, meta, { result: 'error', reason: (error as Error).message, differences: [], legacy: { status: response.status, contentType: undefined, body: null } })
        } finally {
          release()
        }
      })()
    })
    return response
  }
}

function skipped(status: number, reason: string): Comparison {
  return { result: 'skipped', reason, differences: [], legacy: { status, contentType: undefined, body: null } }
}

async function answerOf(outcome: RouteOutcome): Promise<SideAnswer> {
  if (outcome.kind === 'defer') throw new Error(`the gateway deferred: ${outcome.reason}`)
  // Its database busy or unreachable, the gateway gave no answer of its own to compare (its 503 is not the route's).
  if (outcome.failure === 'database-unavailable') throw new Error('the gateway\'s database was busy or unreachable')
  const { response } = outcome
  return { status: response.status, contentType: response.headers.get('content-type'), body: Buffer.from(await response.arrayBuffer()) }
}

async function answerOrUndefined(response: Response | undefined): Promise<SideAnswer | undefined> {
  if (!response) return undefined
  return { status: response.status, contentType: response.headers.get('content-type'), body: Buffer.from(await response.arrayBuffer()) }
}
