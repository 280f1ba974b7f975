import type { GatewayMetrics, ShadowResult } from '../observability/metrics.js'
import { redactBody, redactText } from '../../core/redact.js'

export type ShadowSample = {
  at: string
  requestId: string
  target: string
  difference: string
  legacy: { status: number; body: string }
  gateway: { status: number; body: string }
}

type RouteShadowStats = { match: number; mismatch: number; error: number; skipped: number; samples: ShadowSample[] }

const SAMPLES_PER_ROUTE = 20
const SAMPLE_BODY_CHARS = 16 * 1024

/** Counts shadow results per route and keeps the most recent mismatches with both bodies. */
export class ShadowRecorder {
  private readonly stats = new Map<string, RouteShadowStats>()

  constructor(
    private readonly metrics: GatewayMetrics,
    /** Each result, for the shared windows the guards read. */
    private readonly onResult: (route: string, result: ShadowResult) => void = () => {},
  ) {}

  record(route: string, result: ShadowResult, sample?: ShadowSample): void {
    const stats = this.statsOf(route)
    stats[result]++
    this.metrics.countShadow(route, result)
    this.onResult(route, result)
    if (sample) {
      // Kept and shown redacted (core/redact.ts): bodies carry users' names and e-mails.
      stats.samples.unshift({
        ...sample,
        target: redactText(sample.target),
        legacy: { ...sample.legacy, body: redactBody(sample.legacy.body).slice(0, SAMPLE_BODY_CHARS) },
        gateway: { ...sample.gateway, body: redactBody(sample.gateway.body).slice(0, SAMPLE_BODY_CHARS) },
      })
      stats.samples.length = Math.min(stats.samples.length, SAMPLES_PER_ROUTE)
    }
  }

  summary(route: string) {
    const { match, mismatch, error, skipped, samples } = this.statsOf(route)
    const compared = match + mismatch
    return { match, mismatch, error, skipped, matchRate: compared ? match / compared : null, recentMismatches: samples }
  }

  private statsOf(route: string): RouteShadowStats {
    let stats = this.stats.get(route)
    if (!stats) {
      stats = { match: 0, mismatch: 0, error: 0, skipped: 0, samples: [] }
      this.stats.set(route, stats)
    }
    return stats
  }
}
