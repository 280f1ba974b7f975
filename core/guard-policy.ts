import { z } from 'zod'

/**
 * Automatic rollback guards of a route: thresholds over a sliding window of outcomes shared by every instance
 * (control/guards.ts evaluates them). Declared with the route, overridable per field by ROUTES_FILE and live.
 * A guard is evaluated once its side has at least `minRequests` requests in the window.
 */
export const guardPolicySchema = z.strictObject({
  /** Length of the sliding window (default GUARD_WINDOW_SECONDS). */
  windowSeconds: z.number().int().min(5).max(600).optional(),
  /** Requests a side needs in the window before a guard says anything (default GUARD_MIN_REQUESTS). */
  minRequests: z.number().int().min(1).max(1_000_000).optional(),
  /** Gateway runs answered 5xx (other than "database unavailable") or handed to the legacy app by a fallback. */
  maxErrorRate: z.number().min(0).max(1).optional(),
  /** Gateway runs that ended waiting on the database (timeout, unreachable, admission refused, breaker open). */
  maxTimeoutRate: z.number().min(0).max(1).optional(),
  /** Shadow comparisons that differed, of those compared. */
  maxMismatchRate: z.number().min(0).max(1).optional(),
  /** Gateway p95 over legacy p95 (both sides need `minRequests`). */
  maxLatencyRatio: z.number().positive().max(1000).optional(),
  /** false: the guards of the layers below are off. */
  enabled: z.boolean().optional(),
})
export type GuardPolicy = z.infer<typeof guardPolicySchema>

export const guardNames = ['error-rate', 'timeout-rate', 'mismatch-rate', 'latency-p95-ratio'] as const
export type GuardName = (typeof guardNames)[number]

/** Field by field, the most specific layer wins. */
export function mergeGuards(layers: readonly (GuardPolicy | undefined)[]): GuardPolicy {
  const merged: GuardPolicy = {}
  for (const layer of layers) if (layer) Object.assign(merged, layer)
  return merged
}

/** True when the policy is on and sets at least one threshold. */
export function guardsActive(policy: GuardPolicy): boolean {
  if (policy.enabled === false) return false
  return [policy.maxErrorRate, policy.maxTimeoutRate, policy.maxMismatchRate, policy.maxLatencyRatio].some((value) => value !== undefined)
}
