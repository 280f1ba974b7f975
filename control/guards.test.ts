import { describe, expect, it } from 'vitest'
import { breachReason, firstBreach } from './guards.js'
import { emptyCounts, latencyBucket, type WindowCounts } from './window-math.js'

const defaults = { windowSeconds: 60, minRequests: 10 }
const counts = (values: Partial<WindowCounts>, latencies: number[] = []): WindowCounts => {
  const result = { ...emptyCounts(), ...values }
  for (const ms of latencies) result.hist[latencyBucket(ms)]!++
  return result
}

describe('guards', () => {
  it('say nothing below the minimum number of requests, then breach strictly above the threshold', () => {
    const policy = { maxErrorRate: 0.5 }
    expect(firstBreach(policy, defaults, counts({ n: 9, errors: 9 }), emptyCounts())).toBeUndefined()
    expect(firstBreach(policy, defaults, counts({ n: 10, errors: 5 }), emptyCounts())).toBeUndefined()
    const breach = firstBreach(policy, defaults, counts({ n: 10, errors: 6 }), emptyCounts())
    expect(breach).toEqual({ guard: 'error-rate', measured: 0.6, threshold: 0.5, requests: 10 })
    expect(breachReason(breach!)).toBe('auto-rollback: error-rate 0.6 > 0.5 over 10 requests')
    expect(firstBreach({ ...policy, minRequests: 20 }, defaults, counts({ n: 10, errors: 10 }), emptyCounts())).toBeUndefined()
  })

  it('count fallbacks as failed gateway runs', () => {
    expect(firstBreach({ maxErrorRate: 0.1 }, defaults, counts({ n: 8, fallbacks: 4 }), emptyCounts())).toMatchObject({ guard: 'error-rate', requests: 12 })
  })

  it('measure timeouts and shadow mismatches on their own denominators', () => {
    expect(firstBreach({ maxTimeoutRate: 0.2 }, defaults, counts({ n: 10, timeouts: 3 }), emptyCounts())).toMatchObject({ guard: 'timeout-rate', measured: 0.3 })
    expect(firstBreach({ maxMismatchRate: 0.05 }, defaults, counts({ compared: 9, mismatches: 9 }), emptyCounts())).toBeUndefined()
    expect(firstBreach({ maxMismatchRate: 0.05 }, defaults, counts({ compared: 20, mismatches: 2 }), emptyCounts())).toMatchObject({ guard: 'mismatch-rate', measured: 0.1, requests: 20 })
  })

  it('compare p95s only when both sides have the minimum', () => {
    const slowGateway = counts({ n: 20 }, Array.from({ length: 20 }, () => 400))
    const fastLegacy = counts({ n: 20 }, Array.from({ length: 20 }, () => 40))
    expect(firstBreach({ maxLatencyRatio: 2 }, defaults, slowGateway, fastLegacy)).toMatchObject({ guard: 'latency-p95-ratio', requests: 20 })
    expect(firstBreach({ maxLatencyRatio: 20 }, defaults, slowGateway, fastLegacy)).toBeUndefined()
    expect(firstBreach({ maxLatencyRatio: 2 }, defaults, slowGateway, counts({ n: 5 }, [40, 40, 40, 40, 40]))).toBeUndefined()
  })

  it('are off without a threshold or with enabled: false', () => {
    expect(firstBreach({}, defaults, counts({ n: 100, errors: 100 }), emptyCounts())).toBeUndefined()
    expect(firstBreach({ maxErrorRate: 0, enabled: false }, defaults, counts({ n: 100, errors: 100 }), emptyCounts())).toBeUndefined()
  })
})
