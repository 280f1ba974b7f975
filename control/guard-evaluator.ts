import type { Logger } from '../core/logger.js'
import type { GuardName } from '../core/guard-policy.js'
import type { EffectiveRoute } from '../core/route-settings.js'
import { breachReason, firstBreach, guardWindow, type Breach, type GuardDefaults } from './guards.js'
import type { RouteStateStore } from './route-state-store.js'
import type { ScheduleStore } from './schedule-store.js'
import { bucketStart, WINDOW_BUCKET_MS, type WindowCounts } from './window-math.js'
import { sumRows, type WindowRow } from './window-store.js'

export type RouteWindow = { fromMs: number; gateway: WindowCounts; legacy: WindowCounts }

/** A route's buckets that started at or after `fromMs`, summed per side. */
export function routeWindow(rows: readonly WindowRow[], route: string, fromMs: number): RouteWindow {
  const of = (side: 'gateway' | 'legacy') => sumRows(rows, (row) => row.route === route && row.side === side && row.startMs >= fromMs)
  return { fromMs, gateway: of('gateway'), legacy: of('legacy') }
}

/**
 * Where a window starts: the bucket holding `nowMs - windowMs`, but never before the first whole bucket
 * after `changedAtMs` (the route's last change of live state, or its schedule step), so that a person's
 * change — or a promotion — is judged on requests made after it only.
 */
export function windowStart(nowMs: number, windowMs: number, changedAtMs: number): number {
  const afterChange = bucketStart(changedAtMs) === changedAtMs ? changedAtMs : bucketStart(changedAtMs) + WINDOW_BUCKET_MS
  return Math.max(bucketStart(nowMs - windowMs), afterChange)
}

export type GuardEvaluatorDeps = {
  store: RouteStateStore
  schedules: ScheduleStore
  logger: Logger
  defaults: GuardDefaults
  instance: string
  onRollback: (route: string, guard: GuardName) => void
  /** After this process wrote a rollback: re-read the live layer at once. */
  refreshLive: () => Promise<void>
}

/**
 * On a breach, writes the route's live override `legacy` with the reason `auto-rollback: …` — once across
 * every process (a conditional write) — and stops its schedule. Guards never promote back: the route stays
 * legacy until a person changes or clears the override.
 */
export async function evaluateGuards(route: EffectiveRoute, window: RouteWindow, deps: GuardEvaluatorDeps): Promise<Breach | undefined> {
  if (route.mode === 'legacy') return undefined
  const breach = firstBreach(route.guards, deps.defaults, window.gateway, window.legacy)
  if (!breach) return undefined
  const reason = breachReason(breach)
  const won = await deps.store.rollBack(route.name, reason)
  if (won) {
    deps.logger.warn(
      { event: 'auto-rollback', route: route.name, guard: breach.guard, measured: breach.measured, threshold: breach.threshold, requests: breach.requests, windowSeconds: guardWindow(route.guards, deps.defaults).windowSeconds, instance: deps.instance },
      reason,
    )
    deps.onRollback(route.name, breach.guard)
    await deps.refreshLive()
  }
  await deps.schedules.transition(route.name, ['running', 'paused'], 'stopped: auto-rollback', { at: new Date(), by: 'auto-rollback' })
  return breach
}
