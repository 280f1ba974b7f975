import type { GatewayMetrics } from '../observability/metrics.js'
import type { Logger } from '../../core/logger.js'
import type { Redactor } from '../../core/redact.js'
import { encodeField } from './bucket-counters.js'
import type { Comparison, ComparisonResult } from './compare.js'
import type { Difference } from './json-diff.js'
import { bucketOf } from './latency-histogram.js'
import type { ShadowStore, StoredDifference } from './shadow-store.js'

export type ShadowSample = {
  at: string
  requestId: string
  target: string
  /** The differing paths, comma-separated (the first few). */
  difference: string
  paths: string[]
  legacy: { status: number; body: string }
  gateway: { status: number; body: string }
}

type RouteShadowStats = Record<ComparisonResult, number> & { samples: ShadowSample[] }

/** This process's recent mismatches kept per route (the shared store keeps SHADOW_SAMPLES_PER_ROUTE). */
const LOCAL_SAMPLES_PER_ROUTE = 20
/** Characters of each body kept in a sample, and of each value in a difference. */
export const SAMPLE_BODY_CHARS = 16 * 1024
export const DIFFERENCE_VALUE_CHARS = 200
/** Differences kept per sample. */
const DIFFERENCES_PER_SAMPLE = 20

export type RequestMeta = { requestId: string; target: string; method: string }

/**
 * Where every comparison goes: Prometheus counters, this process's summary (/_gateway/status), the shared
 * store (/_gateway/shadow, the board) and, for a mismatch, one structured log line. Bodies and values are
 * redacted before they are kept anywhere.
 */
export class ShadowRecorder {
  private readonly stats = new Map<string, RouteShadowStats>()

  private readonly redactor: Redactor
  private readonly logger: Logger | undefined
  private readonly store: ShadowStore | undefined
  private readonly onResult: (route: string, result: ComparisonResult) => void

  constructor(
    private readonly metrics: GatewayMetrics,
    options: {
      redactor: Redactor
      logger?: Logger
      store?: ShadowStore
      /** Each result, for the shared windows the guards read. */
      onResult?: (route: string, result: ComparisonResult) => void
    },
  ) {
    this.redactor = options.redactor
    this.logger = options.logger
    this.store = options.store
    this.onResult = options.onResult ?? (() => {})
  }

  record(route: string, meta: RequestMeta, comparison: Comparison): void {
    const { result } = comparison
    const stats = this.statsOf(route)
    stats[result]++
    this.metrics.countShadow(route, result)
    this.onResult(route, result)
    const fields: Record<string, number> = { [`result.${result}`]: 1 }
    if (comparison.legacyMs !== undefined && result !== 'skipped') fields[`latencyLegacy.${bucketOf(comparison.legacyMs)}`] = 1
    if (comparison.gatewayMs !== undefined) fields[`latencyGateway.${bucketOf(comparison.gatewayMs)}`] = 1
    if (comparison.legacy.status >= 500) fields['other.errorsLegacy'] = 1
    if (result === 'error' || (comparison.gateway && comparison.gateway.status >= 500 && comparison.legacy.status < 500)) fields['other.errorsGateway'] = 1
    if (comparison.noiseSeen) {
      fields['other.noiseProbes'] = 1
      for (const key of comparison.noiseSeen) fields[`noise.${encodeField(key)}`] = 1
    }
    if (result === 'error') this.logger?.warn({ route, requestId: meta.requestId, method: meta.method, reason: comparison.reason }, 'shadow comparison failed')
    if (result === 'mismatch') {
      for (const key of new Set(comparison.differences.map((difference) => difference.key))) fields[`path.${encodeField(key)}`] = 1
      this.keepMismatch(route, meta, comparison, stats)
    }
    this.store?.counters.add(route, fields)
  }

  summary(route: string) {
    const { samples, ...counts } = this.statsOf(route)
    const compared = counts.match + counts.mismatch
    return { ...counts, matchRate: compared ? counts.match / compared : null, recentMismatches: samples }
  }

  private keepMismatch(route: string, meta: RequestMeta, comparison: Comparison, stats: RouteShadowStats): void {
    const redactor = this.redactor.forRoute(route)
    const differences = comparison.differences.slice(0, DIFFERENCES_PER_SAMPLE).map((difference) => this.storedDifference(difference, redactor))
    const paths = [...new Set(comparison.differences.map((difference) => difference.path))]
    const legacy = { status: comparison.legacy.status, body: this.body(comparison.legacy.body, redactor) }
    const gateway = { status: comparison.gateway?.status ?? 0, body: this.body(comparison.gateway?.body ?? null, redactor) }
    const target = redactor.text(meta.target)
    // One line per mismatch, for the log pipeline (values stay out of logs: paths and statuses only).
    this.logger?.warn(
      { route, requestId: meta.requestId, method: meta.method, paths: paths.slice(0, DIFFERENCES_PER_SAMPLE), statuses: { legacy: legacy.status, gateway: gateway.status }, rechecked: comparison.rechecked ?? false },
      'shadow mismatch',
    )
    const at = new Date()
    stats.samples.unshift({ at: at.toISOString(), requestId: meta.requestId, target, difference: paths.slice(0, 5).join(', '), paths, legacy, gateway })
    stats.samples.length = Math.min(stats.samples.length, LOCAL_SAMPLES_PER_ROUTE)
    this.store?.addSample({
      route,
      at,
      instance: this.store.instance,
      requestId: meta.requestId,
      method: meta.method,
      target,
      result: comparison.result,
      rechecked: comparison.rechecked ?? false,
      differences,
      legacy,
      gateway,
    })
  }

  private storedDifference(difference: Difference, redactor: Redactor): StoredDifference {
    const field = difference.path.split('.').at(-1) ?? ''
    const show = (value: unknown) => {
      if (value === undefined) return difference.note === 'missing' ? '(missing)' : ''
      if (redactor.isPersonal(field) && value !== null) return '[redacted]'
      return JSON.stringify(redactor.json(value)).slice(0, DIFFERENCE_VALUE_CHARS)
    }
    const legacy = difference.note === 'length' ? `length ${String(difference.legacy)}` : show(difference.legacy)
    const gateway = difference.note === 'length' ? `length ${String(difference.gateway)}` : show(difference.gateway)
    return { path: difference.path, key: difference.key, legacy, gateway }
  }

  private body(body: Buffer | null, redactor: Redactor): string {
    return body ? redactor.body(body.toString('utf8')).slice(0, SAMPLE_BODY_CHARS) : ''
  }

  private statsOf(route: string): RouteShadowStats {
    let stats = this.stats.get(route)
    if (!stats) this.stats.set(route, (stats = { match: 0, mismatch: 0, race: 0, error: 0, skipped: 0, 'not-compared': 0, samples: [] }))
    return stats
  }
}
