import { jsonDifferences, MAX_DIFFERENCES, type Difference, type Json } from './json-diff.js'

/** Differences computed at most per pair while a mismatch is re-checked (the intersection needs them all). */
const RECHECK_DIFFERENCES = 10_000
import type { NoiseModel } from './noise.js'

/** One side's answer, as compared. */
export type SideAnswer = { status: number; contentType: string | null | undefined; body: Buffer | null }

export type ComparisonResult = 'match' | 'mismatch' | 'race' | 'error' | 'skipped' | 'not-compared'

export type Comparison = {
  result: ComparisonResult
  /** The differences that count (after ignore rules and noise), for a mismatch. */
  differences: Difference[]
  legacy: SideAnswer
  gateway?: SideAnswer
  legacyMs?: number
  gatewayMs?: number
  /** Why a comparison was skipped or failed. */
  reason?: string
  /** Paths the noise probe saw differ between the legacy app's own answers. */
  noiseSeen?: string[]
  /** The mismatch was checked again and persisted (or vanished: `race`). */
  rechecked?: boolean
}

/** What every comparison starts from: the route's rules, the legacy's answer and the gateway's run. */
export type CompareInput = {
  route: string
  ignore: readonly string[]
  noise: NoiseModel
  legacy: SideAnswer
  legacyMs: number
  /** The gateway's run of the request (shadow: nothing written — a write stops after validation); throws for a failed run. */
  runGateway: () => Promise<SideAnswer>
}

export type CompareReadInput = CompareInput & {
  /** A direct GET of the same request to the legacy app (absent: no re-check, no noise probe). */
  askLegacyAgain?: () => Promise<SideAnswer>
  /** Probe the legacy app against itself on this request (noise learning). */
  probeNoise: boolean
  /** Wait before the re-check of a mismatch; 0 = no re-check. */
  recheckDelayMs: number
}

/**
 * A read compared: bytes first (migrated JSON is byte-identical to the legacy's), then every differing JSON
 * path, minus ignore rules and learned noise. A mismatch is asked again of both sides after a short delay
 * and counts only if it persists; one that vanishes was a race with a write (`race`).
 */
export async function compareRead(input: CompareReadInput): Promise<Comparison> {
  const { legacy } = input
  if (!legacy.body) return { result: 'skipped', reason: 'legacy body not copied (over SHADOW_BODY_LIMIT_BYTES or encoded)', differences: [], legacy }
  const probe = input.probeNoise && input.askLegacyAgain ? input.askLegacyAgain().catch(() => undefined) : Promise.resolve(undefined)
  const started = performance.now()
  let gateway: SideAnswer
  try {
    gateway = await input.runGateway()
  } catch (error) {
    return { result: 'error', reason: (error as Error).message, differences: [], legacy, legacyMs: input.legacyMs, gatewayMs: performance.now() - started }
  }
  const gatewayMs = performance.now() - started
  const timing = { legacyMs: input.legacyMs, gatewayMs }
  const again = await probe
  const noiseSeen = again ? noiseBetween(legacy, again) : undefined
  if (noiseSeen && noiseSeen.length > 0) input.noise.learn(input.route, noiseSeen)

  const first = differencesOf(input, legacy, gateway, RECHECK_DIFFERENCES)
  if (first.length === 0) return { result: 'match', differences: [], legacy, gateway, ...timing, ...(noiseSeen ? { noiseSeen } : {}) }
  if (!input.askLegacyAgain || input.recheckDelayMs <= 0) return { result: 'mismatch', differences: first.slice(0, MAX_DIFFERENCES), legacy, gateway, ...timing, ...(noiseSeen ? { noiseSeen } : {}) }

  await new Promise((resolve) => setTimeout(resolve, input.recheckDelayMs))
  let recheck: [SideAnswer, SideAnswer]
  try {
    recheck = await Promise.all([input.askLegacyAgain(), input.runGateway()])
  } catch (error) {
    // Unconfirmed is not a mismatch: under writes most first differences are races, and only the re-check
    // tells them apart. The comparison could not be completed, like any other failed one.
    return { result: 'error', reason: `re-check failed: ${(error as Error).message}`, differences: [], legacy, gateway, ...timing, rechecked: false }
  }
  const [legacyAgain, gatewayAgain] = recheck
  const second = differencesOf(input, legacyAgain, gatewayAgain, RECHECK_DIFFERENCES)
  if (second.length === 0) return { result: 'race', differences: first.slice(0, MAX_DIFFERENCES), legacy, gateway, ...timing, rechecked: true }
  // Under writes the two sides never read at the same instant. A difference counts only where it is in every
  // pair — the first answers, the re-check, and the legacy's re-read against a gateway run started after it
  // (which brackets that read) — and where the legacy app's own two answers agree (data that moved between
  // them is a race, not the gateway's fault).
  const after = await input.runGateway().catch(() => undefined)
  const third = after ? differencesOf(input, legacyAgain, after, RECHECK_DIFFERENCES) : second
  const moving = new Set(differencesOf(input, legacy, legacyAgain, RECHECK_DIFFERENCES).map((difference) => difference.path))
  const inFirst = new Set(first.map((difference) => difference.path))
  const inThird = new Set(third.map((difference) => difference.path))
  const persistent = second.filter((difference) => inFirst.has(difference.path) && inThird.has(difference.path) && !moving.has(difference.path))
  if (persistent.length === 0) return { result: 'race', differences: first.slice(0, MAX_DIFFERENCES), legacy, gateway, ...timing, rechecked: true }
  return { result: 'mismatch', differences: persistent.slice(0, MAX_DIFFERENCES), legacy: legacyAgain, gateway: gatewayAgain, ...timing, rechecked: true, ...(noiseSeen ? { noiseSeen } : {}) }
}

/** Status, then bytes, then JSON paths (ignore rules and noise applied). Empty: the answers agree. */
export function differencesOf(input: Pick<CompareReadInput, 'route' | 'ignore' | 'noise'>, legacy: SideAnswer, gateway: SideAnswer, limit = MAX_DIFFERENCES): Difference[] {
  const found: Difference[] = []
  if (legacy.status !== gateway.status) found.push({ path: '(status)', key: '(status)', legacy: legacy.status, gateway: gateway.status })
  if (legacy.body && gateway.body && legacy.body.equals(gateway.body)) return found
  const legacyJson = parseJson(legacy)
  const gatewayJson = parseJson(gateway)
  if (legacyJson === undefined || gatewayJson === undefined) {
    found.push({ path: '(body)', key: '(body)', legacy: describeBody(legacy, legacyJson), gateway: describeBody(gateway, gatewayJson) })
    return found
  }
  const noise = input.noise.paths(input.route)
  return [...found, ...jsonDifferences(legacyJson, gatewayJson, [...input.ignore, ...noise], limit)]
}

/** The paths where two answers of the legacy app to one request differ (both must be JSON with one status). */
export function noiseBetween(first: SideAnswer, second: SideAnswer): string[] | undefined {
  if (first.status !== second.status) return undefined
  if (first.body && second.body && first.body.equals(second.body)) return []
  const a = parseJson(first)
  const b = parseJson(second)
  if (a === undefined || b === undefined) return undefined
  return [...new Set(jsonDifferences(a, b, [], RECHECK_DIFFERENCES).map((difference) => difference.key))]
}

export function parseJson(answer: SideAnswer): Json | undefined {
  if (!answer.body || !answer.contentType?.includes('json')) return undefined
  try {
    return JSON.parse(answer.body.toString('utf8')) as Json
  } catch {
    return undefined
  }
}

function describeBody(answer: SideAnswer, json: Json | undefined): string {
  if (json !== undefined) return 'JSON'
  return answer.body ? `${answer.contentType ?? 'no content type'}, ${answer.body.length} bytes` : 'no body'
}

export type CompareWriteInput = CompareInput & {
  /** The stored effect of an accepted legacy write, as the gateway reads it back (absent: not compared). */
  readBack?: (legacyJson: Json) => Promise<SideAnswer | undefined>
}

/**
 * A write compared without writing twice: a refused legacy write (4xx) is compared with the gateway's
 * would-be answer to the same request (its validation, nothing written); an accepted one (2xx) by its
 * stored effect, read back by the id in the legacy's answer, where the route can do that cheaply — else
 * `not-compared`. Other answers (3xx, 5xx) are not compared.
 */
export async function compareWrite(input: CompareWriteInput): Promise<Comparison> {
  const { legacy, legacyMs } = input
  if (!legacy.body) return { result: 'skipped', reason: 'legacy body not copied', differences: [], legacy }
  const started = performance.now()
  if (legacy.status >= 400 && legacy.status < 500) {
    let gateway: SideAnswer
    try {
      gateway = await input.runGateway()
    } catch (error) {
      return { result: 'error', reason: (error as Error).message, differences: [], legacy, legacyMs }
    }
    const gatewayMs = performance.now() - started
    const differences = differencesOf(input, legacy, gateway)
    return { result: differences.length === 0 ? 'match' : 'mismatch', differences, legacy, gateway, legacyMs, gatewayMs }
  }
  if (legacy.status >= 200 && legacy.status < 300) {
    const json = parseJson(legacy)
    if (!input.readBack || json === undefined) return { result: 'not-compared', reason: 'accepted write: no read-back for this route', differences: [], legacy, legacyMs }
    let gateway: SideAnswer | undefined
    try {
      gateway = await input.readBack(json)
    } catch (error) {
      return { result: 'error', reason: (error as Error).message, differences: [], legacy, legacyMs }
    }
    if (!gateway) return { result: 'not-compared', reason: 'accepted write: nothing to read back', differences: [], legacy, legacyMs }
    const gatewayMs = performance.now() - started
    const differences = differencesOf(input, legacy, gateway)
    return { result: differences.length === 0 ? 'match' : 'mismatch', differences, legacy, gateway, legacyMs, gatewayMs }
  }
  return { result: 'skipped', reason: `legacy answered ${legacy.status}`, differences: [], legacy, legacyMs }
}
