import type { Logger } from '../core/logger.js'
import type { EffectiveRoute, RouteOverride } from '../core/route-settings.js'
import type { LiveOverrides } from './live-overrides.js'
import { firstBreach, type GuardDefaults } from './guards.js'
import type { RouteStateStore } from './route-state-store.js'
import { progress, stepOverride, stepReason, type Progress, type StoredSchedule } from './schedule.js'
import type { ScheduleStore } from './schedule-store.js'
import type { RouteWindow } from './guard-evaluator.js'

export const SCHEDULER_BY = 'scheduler'

export type SchedulerDeps = { store: RouteStateStore; schedules: ScheduleStore; live: LiveOverrides; logger: Logger; defaults: GuardDefaults; instance: string }

/** The route's live override for a schedule step, keeping what the current one says besides mode and percent. */
export function overrideForStep(current: RouteOverride | undefined, step: string): RouteOverride {
  const { mode: _mode, canaryPercent: _percent, ...kept } = current ?? {}
  return { ...kept, ...stepOverride(step) }
}

/**
 * One look at a running schedule: promotes it when its step was held long enough, saw enough requests and
 * the guards hold — as a live override written by the scheduler (`schedule: step k of n (…)`, audited).
 * Conditional on the schedule's version: one promotion however many processes decide it at once. A live
 * override someone else wrote in between (a person, a rollback) holds the schedule until it is resumed.
 */
export async function stepSchedule(schedule: StoredSchedule, route: EffectiveRoute, window: RouteWindow, deps: SchedulerDeps): Promise<{ schedule: StoredSchedule; progress: Progress }> {
  const requests = requestsIn(window)
  const state = progress(schedule, Date.now(), requests)
  const held = (next: string) => ({ schedule, progress: { ...state, due: false, next } })
  if (!state.due || schedule.state !== 'running') return { schedule, progress: state }
  const current = deps.live.status().overrides.get(route.name)
  if (current?.by !== SCHEDULER_BY) return held(`held: the live override was set by ${current?.by ?? 'nobody'}; resume the schedule to continue`)
  if (firstBreach(route.guards, deps.defaults, window.gateway, window.legacy)) return held('held: a guard is breached')
  const since = new Date()
  if (!(await deps.schedules.promote(schedule, since))) return { schedule, progress: state }
  const step = schedule.step + 1
  const stored = await deps.store.set(route.name, overrideForStep(current.override, schedule.steps[step]!), stepReason(schedule, step), SCHEDULER_BY)
  deps.live.applyLocally(route.name, stored)
  deps.logger.info({ event: 'schedule-promotion', route: route.name, step: step + 1, of: schedule.steps.length, to: schedule.steps[step], requestsInStep: requests, heldSeconds: state.heldSeconds, instance: deps.instance }, stepReason(schedule, step))
  const promoted: StoredSchedule = { ...schedule, step, since, version: schedule.version + 1, state: step === schedule.steps.length - 1 ? 'done' : 'running' }
  return { schedule: promoted, progress: progress(promoted, since.getTime(), 0) }
}

/** Requests the route answered in a window, by either side. */
export const requestsIn = (window: RouteWindow): number => window.gateway.n + window.gateway.fallbacks + window.legacy.n
