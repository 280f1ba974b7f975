import { guardsActive, type GuardName, type GuardPolicy } from '../core/guard-policy.js'
import { quantileMs, type WindowCounts } from './window-math.js'

export type GuardDefaults = { windowSeconds: number; minRequests: number }
export type Breach = { guard: GuardName; measured: number; threshold: number; requests: number }

/** The window and minimum a policy uses, the defaults filling what it leaves unset. */
export function guardWindow(policy: GuardPolicy, defaults: GuardDefaults): GuardDefaults {
  return { windowSeconds: policy.windowSeconds ?? defaults.windowSeconds, minRequests: policy.minRequests ?? defaults.minRequests }
}

/**
 * The first guard the window breaches (measured strictly above its threshold), or undefined. A guard says
 * nothing until its side has `minRequests` in the window: a handful of requests is no evidence.
 */
export function firstBreach(policy: GuardPolicy, defaults: GuardDefaults, gateway: WindowCounts, legacy: WindowCounts): Breach | undefined {
  if (!guardsActive(policy)) return undefined
  const { minRequests } = guardWindow(policy, defaults)
  const runs = gateway.n + gateway.fallbacks
  const check = (guard: GuardName, threshold: number | undefined, count: number, of: number): Breach | undefined => {
    if (threshold === undefined || of < minRequests) return undefined
    const measured = count / of
    return measured > threshold ? { guard, measured, threshold, requests: of } : undefined
  }
  const breach =
    check('error-rate', policy.maxErrorRate, gateway.errors + gateway.fallbacks, runs) ??
    check('timeout-rate', policy.maxTimeoutRate, gateway.timeouts, runs) ??
    check('mismatch-rate', policy.maxMismatchRate, gateway.mismatches, gateway.compared)
  if (breach) return breach
  if (policy.maxLatencyRatio !== undefined && gateway.n >= minRequests && legacy.n >= minRequests) {
    const gatewayP95 = quantileMs(gateway.hist, 0.95)
    const legacyP95 = quantileMs(legacy.hist, 0.95)
    if (gatewayP95 !== null && legacyP95 !== null && legacyP95 > 0) {
      const ratio = gatewayP95 / legacyP95
      if (ratio > policy.maxLatencyRatio) return { guard: 'latency-p95-ratio', measured: ratio, threshold: policy.maxLatencyRatio, requests: gateway.n }
    }
  }
  return undefined
}

/** The audit reason of an automatic rollback: `auto-rollback: error-rate 0.75 > 0.5 over 12 requests`. */
export function breachReason(breach: Breach): string {
  return `auto-rollback: ${breach.guard} ${round(breach.measured)} > ${breach.threshold} over ${breach.requests} requests`
}

const round = (value: number) => Math.round(value * 1000) / 1000
