import type { MiddlewareHandler } from 'hono'
import type { Db } from 'mongodb'
import type { GatewayEnv } from '../../core/env.js'
import type { Logger } from '../../core/logger.js'
import { responseStatus, upstreamOf } from '../../core/response-info.js'
import { BucketCounters, countsAt } from '../shadow/bucket-counters.js'
import { bucketOf, latencySummary, mergeLatency, type LatencyCounts } from '../shadow/latency-histogram.js'

export const TRAFFIC_COLLECTION = 'gateway_traffic'
export const TRAFFIC_BUCKET_MS = 60_000
/** Distinct counter fields buffered between two flushes at most. */
export const TRAFFIC_MAX_PENDING_FIELDS = 20_000
/** Prefix of the counters of requests no declaration answers, grouped by the legacy endpoint Werkzeug picks. */
export const LEGACY_ENDPOINT_PREFIX = 'legacy:'

export type TrafficReport = {
  served: { gateway: number; legacy: number }
  errors: { gateway: number; legacy: number }
  latencyMs: { gateway: ReturnType<typeof latencySummary>; legacy: ReturnType<typeof latencySummary> }
  /** Milliseconds spent answering on the legacy side (the backlog's weight). */
  legacyMsTotal: number
  /** Requests per minute bucket, oldest first, over the window (missing minutes are zeros). */
  series: number[]
}

/**
 * Every request the dispatcher routed, counted per route (or, when no declaration answers it, per legacy
 * endpoint of the url map) and side, with latency histograms, in shared per-minute counters
 * (gateway_traffic): the board's traffic shares, sparklines and backlog, across every instance.
 */
export class TrafficCounters {
  readonly counters: BucketCounters

  private indexes: Promise<void> | undefined

  constructor(
    db: Db,
    private readonly logger: Logger,
    options: { retentionSeconds: number; flushMs: number; ensureIndexes: boolean },
  ) {
    this.counters = new BucketCounters({ db, collection: TRAFFIC_COLLECTION, logger, bucketMs: TRAFFIC_BUCKET_MS, retentionSeconds: options.retentionSeconds, maxPendingFields: TRAFFIC_MAX_PENDING_FIELDS })
    if (options.ensureIndexes) this.indexes = this.counters.ensureIndexes().catch((error: unknown) => logger.warn({ err: error }, 'traffic counters: indexes not created'))
    const timer = setInterval(() => void this.flush(), options.flushMs)
    timer.unref()
  }

  /** Writes the buffered counters (every SHADOW_FLUSH_MS, and before the board reads them). */
  async flush(): Promise<void> {
    await this.indexes
    await this.counters.flush().catch((error: unknown) => this.logger.warn({ err: error }, 'traffic counters: flush failed'))
  }

  middleware(): MiddlewareHandler<GatewayEnv> {
    return async (c, next) => {
      const started = performance.now()
      await next()
      const route = c.get('routeName')
      if (!route) return // the gateway's own endpoints
      const ms = performance.now() - started
      const key = route === 'unlisted' ? `${LEGACY_ENDPOINT_PREFIX}${c.get('legacyEndpoint') ?? '(unknown)'}` : route
      const side = upstreamOf(c)
      const fields: Record<string, number> = { [`side.${side}`]: 1, [`latency_${side}.${bucketOf(ms)}`]: 1 }
      if (responseStatus(c) >= 500) fields[`errors.${side}`] = 1
      if (side === 'legacy') fields['ms.legacy'] = Math.round(ms)
      this.counters.add(key, fields)
    }
  }

  async report(windowMs: number): Promise<Map<string, TrafficReport>> {
    const since = Math.floor((Date.now() - windowMs) / TRAFFIC_BUCKET_MS) * TRAFFIC_BUCKET_MS
    const minutes = Math.ceil(windowMs / TRAFFIC_BUCKET_MS) + 1
    const docs = await this.counters.read(new Date(since))
    const reports = new Map<string, TrafficReport & { gatewayLatency: LatencyCounts; legacyLatency: LatencyCounts }>()
    for (const doc of docs) {
      const key = doc.route
      let report = reports.get(key)
      if (!report) {
        report = { served: { gateway: 0, legacy: 0 }, errors: { gateway: 0, legacy: 0 }, latencyMs: { gateway: latencySummary({}), legacy: latencySummary({}) }, legacyMsTotal: 0, series: new Array<number>(minutes).fill(0), gatewayLatency: {}, legacyLatency: {} }
        reports.set(key, report)
      }
      const sides = countsAt(doc, 'side')
      const errors = countsAt(doc, 'errors')
      report.served.gateway += sides.gateway ?? 0
      report.served.legacy += sides.legacy ?? 0
      report.errors.gateway += errors.gateway ?? 0
      report.errors.legacy += errors.legacy ?? 0
      report.legacyMsTotal += countsAt(doc, 'ms').legacy ?? 0
      mergeLatency(report.gatewayLatency, countsAt(doc, 'latency_gateway'))
      mergeLatency(report.legacyLatency, countsAt(doc, 'latency_legacy'))
      const index = Math.floor((doc.bucket.getTime() - since) / TRAFFIC_BUCKET_MS)
      if (index >= 0 && index < minutes) report.series[index]! += (sides.gateway ?? 0) + (sides.legacy ?? 0)
    }
    const result = new Map<string, TrafficReport>()
    for (const [key, { gatewayLatency, legacyLatency, ...report }] of reports) {
      result.set(key, { ...report, latencyMs: { gateway: latencySummary(gatewayLatency), legacy: latencySummary(legacyLatency) } })
    }
    return result
  }
}

