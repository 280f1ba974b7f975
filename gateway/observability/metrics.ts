import { Counter, Gauge, Histogram, Registry, Summary, collectDefaultMetrics } from 'prom-client'
import type { Upstream } from '../../core/response-info.js'
import type { DecisionEvent } from '../../core/dispatch.js'
import type { AdmissionObserver } from '../../legacy-proxy/admission.js'
import type { DbAdmission, DbAdmissionObserver } from '../../core/db-admission.js'

/** What the database admission gauges read when scraped. */
type DbAdmissionState = Pick<DbAdmission, 'running' | 'waiting' | 'limit'>

export type ShadowResult = 'match' | 'mismatch' | 'race' | 'error' | 'skipped' | 'not-compared'

/** Prometheus metrics of the migration: who answered what, how fast, shadow agreement, fallbacks. */
/** prom-client's event-loop delay sampling interval (its `nodejs_eventloop_lag_*` metrics). */
export const EVENT_LOOP_SAMPLE_MS = 100

export class GatewayMetrics {
  readonly registry = new Registry()
  private readonly requestDuration = new Histogram({
    name: 'gateway_request_duration_seconds',
    help: 'Time to answer a request, by route and by who answered it',
    labelNames: ['route', 'upstream', 'method', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  })
  // A sliding-window summary gives /_gateway/status its p50/p95 without keeping raw samples around.
  private readonly recentLatency = new Summary({
    name: 'gateway_request_recent_latency_seconds',
    help: 'Latency quantiles over the last 10 minutes, by route and by who answered',
    labelNames: ['route', 'upstream'] as const,
    percentiles: [0.5, 0.95],
    maxAgeSeconds: 600,
    ageBuckets: 5,
    registers: [this.registry],
  })
  private readonly shadowComparisons = new Counter({
    name: 'gateway_shadow_comparisons_total',
    help: 'Shadow comparisons of legacy and gateway answers, by result',
    labelNames: ['route', 'result'] as const,
    registers: [this.registry],
  })
  private readonly fallbacks = new Counter({
    name: 'gateway_fallbacks_total',
    help: 'Migrated requests answered by the legacy app because the gateway failed',
    labelNames: ['route', 'reason'] as const,
    registers: [this.registry],
  })

  private readonly decisions = new Counter({
    name: 'gateway_decisions_total',
    help: 'Who answered each declared route, and why (mode, canary, override, defer, fallback)',
    labelNames: ['route', 'side', 'why', 'detail'] as const,
    registers: [this.registry],
  })

  private readonly legacyInFlight = new Gauge({
    name: 'gateway_legacy_in_flight',
    help: 'Requests in flight to the legacy app, by admission pool (requests, streams)',
    labelNames: ['pool'] as const,
    registers: [this.registry],
  })
  private readonly legacyQueued = new Gauge({
    name: 'gateway_legacy_queue_depth',
    help: 'Requests waiting for a slot to the legacy app, by admission pool',
    labelNames: ['pool'] as const,
    registers: [this.registry],
  })
  private readonly legacyRejections = new Counter({
    name: 'gateway_legacy_rejections_total',
    help: 'Requests answered 503 because the legacy app was saturated, by pool and reason (queue-full, queue-timeout)',
    labelNames: ['pool', 'reason'] as const,
    registers: [this.registry],
  })
  private readonly legacyQueueWait = new Histogram({
    name: 'gateway_legacy_queue_wait_seconds',
    help: 'Time admitted requests waited for a slot to the legacy app',
    labelNames: ['pool'] as const,
    buckets: [0, 0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  })

  // The database admission's state is read when scraped (no cost per request); waits and refusals are counted.
  private dbAdmissionState: DbAdmissionState | undefined
  private readonly dbRejections = new Counter({
    name: 'gateway_db_rejections_total',
    help: 'Runs answered 503 because the database admission queue was full or the wait too long, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  })
  private readonly dbQueueWait = new Histogram({
    name: 'gateway_db_queue_wait_seconds',
    help: 'Time admitted runs of migrated routes waited for a database slot',
    buckets: [0, 0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  })

  /** Fed by the database admission (core/db-admission.ts). */
  readonly dbAdmission: DbAdmissionObserver = {
    admitted: (waitedSeconds) => this.dbQueueWait.observe(waitedSeconds),
    rejected: (reason) => this.dbRejections.inc({ reason }),
  }

  private readonly autoRollbacks = new Counter({
    name: 'gateway_auto_rollbacks_total',
    help: 'Routes rolled back to legacy by a guard (counted by the process that wrote the rollback)',
    labelNames: ['route', 'guard'] as const,
    registers: [this.registry],
  })
  private readonly windowDropped = new Counter({
    name: 'gateway_window_samples_dropped_total',
    help: 'Outcome samples not written to the shared windows (store down, breaker open or buffer full)',
    registers: [this.registry],
  })
  private readonly breakerState = new Gauge({
    name: 'gateway_db_breaker_state',
    help: 'Database circuit breaker: 0 closed, 1 half-open, 2 open',
    registers: [this.registry],
  })
  private readonly breakerOpens = new Counter({
    name: 'gateway_db_breaker_opens_total',
    help: 'Times the database circuit breaker opened',
    registers: [this.registry],
  })

  /** Fed by the legacy proxy's admission pools. */
  readonly legacyAdmission: AdmissionObserver = {
    changed: (pool, inFlight, queued) => {
      this.legacyInFlight.set({ pool }, inFlight)
      this.legacyQueued.set({ pool }, queued)
    },
    rejected: (pool, reason) => this.legacyRejections.inc({ pool, reason }),
    admitted: (pool, waitedSeconds) => this.legacyQueueWait.observe({ pool }, waitedSeconds),
  }

  constructor() {
    // prom-client samples event-loop delay every 10 ms by default: a native timer costing ~10 ms of CPU per
    // second even when idle (docs/benchmarks.md, "Idle cost"). Every 100 ms still measures the delay distribution.
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS })
    this.dbGauge('gateway_db_in_flight', 'Runs of migrated routes doing their database work now (core/db-admission.ts; 0 with the bound off)', (a) => a.running)
    this.dbGauge('gateway_db_queue_depth', 'Runs of migrated routes waiting for a database slot', (a) => a.waiting)
    this.dbGauge('gateway_db_concurrency_limit', 'Database slots now: MONGODB_MAX_CONCURRENT_REQUESTS, or the adaptive limit (0: no bound)', (a) => Math.max(0, a.limit))
  }

  /** The admission whose in-flight, queued and limit the gauges report. */
  watchDbAdmission(admission: DbAdmissionState): void {
    this.dbAdmissionState = admission
  }

  private dbGauge(name: string, help: string, read: (admission: DbAdmissionState) => number): void {
    const metrics = this
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        if (metrics.dbAdmissionState) this.set(read(metrics.dbAdmissionState))
      },
    })
  }

  observeRequest(route: string, upstream: Upstream, method: string, status: number, seconds: number): void {
    this.requestDuration.observe({ route, upstream, method, status: String(status) }, seconds)
    this.recentLatency.observe({ route, upstream }, seconds)
  }

  countShadow(route: string, result: ShadowResult): void {
    this.shadowComparisons.inc({ route, result })
  }

  countDecision(event: DecisionEvent): void {
    this.decisions.inc({ route: event.route, side: event.side, why: event.why, detail: event.detail ?? '' })
    if (event.why === 'fallback') this.fallbacks.inc({ route: event.route, reason: event.detail ?? 'error' })
  }

  countAutoRollback(route: string, guard: string): void {
    this.autoRollbacks.inc({ route, guard })
  }

  countWindowDropped(samples: number): void {
    this.windowDropped.inc(samples)
  }

  breakerChanged(state: 'closed' | 'half-open' | 'open'): void {
    this.breakerState.set(state === 'closed' ? 0 : state === 'half-open' ? 1 : 2)
    if (state === 'open') this.breakerOpens.inc()
  }

  countFallback(route: string, reason: string): void {
    this.fallbacks.inc({ route, reason })
  }

  /** Per route and side: requests served and p50/p95 in milliseconds over the recent window. */
  async latencyByRoute(): Promise<Map<string, Partial<Record<Upstream, { count: number; p50Ms: number | null; p95Ms: number | null }>>>> {
    const { values } = await this.recentLatency.get()
    const result = new Map<string, Partial<Record<Upstream, { count: number; p50Ms: number | null; p95Ms: number | null }>>>()
    for (const value of values) {
      const route = String(value.labels.route)
      const upstream = value.labels.upstream as Upstream
      const sides = result.get(route) ?? {}
      const side = (sides[upstream] ??= { count: 0, p50Ms: null, p95Ms: null })
      const quantile = (value.labels as Record<string, unknown>).quantile
      const ms = Number.isFinite(value.value) ? Math.round(value.value * 100_000) / 100 : null
      if (value.metricName?.endsWith('_count')) side.count = value.value
      else if (quantile === 0.5) side.p50Ms = ms
      else if (quantile === 0.95) side.p95Ms = ms
      sides[upstream] = side
      result.set(route, sides)
    }
    return result
  }

  async fallbackCounts(): Promise<Map<string, number>> {
    const { values } = await this.fallbacks.get()
    const counts = new Map<string, number>()
    for (const value of values) counts.set(String(value.labels.route), (counts.get(String(value.labels.route)) ?? 0) + value.value)
    return counts
  }
}
