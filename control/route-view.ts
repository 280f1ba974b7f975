import { guardsActive } from '../core/guard-policy.js'
import type { RouteSettings } from '../core/route-settings.js'
import type { ControlLoop } from './control-loop.js'
import type { GuardDefaults } from './guards.js'
import { guardWindow } from './guards.js'
import type { LiveOverrides } from './live-overrides.js'
import type { RouteStateStore } from './route-state-store.js'
import type { ScheduleStore } from './schedule-store.js'
import { quantileMs, type WindowCounts } from './window-math.js'

/** What the admin API needs of the control plane (gateway/control-plane.ts assembles it). */
export type ControlServices = { store: RouteStateStore; live: LiveOverrides; instance: string; schedules: ScheduleStore; loop: ControlLoop; defaults: GuardDefaults }

/** One route as `GET /_gateway/routes` shows it: every layer, the live state, its guards' window, its schedule. */
export function describeRoute(settings: RouteSettings, control: ControlServices, name: string) {
  const route = settings.declarations.find((candidate) => candidate.name === name)!
  const effective = settings.get(name)
  const { live, loop } = control
  const stored = live.status().overrides.get(name)
  const view = loop.view(name)
  const schedule = view.schedule
  return {
    methods: route.methods,
    rule: route.rule,
    ...effective,
    declared: { mode: route.mode, fallback: route.fallback ?? false, ...(route.guards ? { guards: route.guards } : {}) },
    file: settings.layer('file')[name] ?? null,
    env: settings.layer('env')[name] ?? null,
    live: stored ? { override: stored.override, reason: stored.reason, by: stored.by, at: stored.at } : null,
    appliedHereAt: live.status().appliedAt.get(name) ?? null,
    guards: {
      policy: effective.guards,
      active: guardsActive(effective.guards),
      ...guardWindow(effective.guards, control.defaults),
      window: view.window ? { from: new Date(view.window.fromMs), gateway: sideView(view.window.gateway), legacy: sideView(view.window.legacy) } : null,
    },
    schedule: schedule
      ? {
          steps: schedule.steps,
          step: schedule.step + 1,
          current: schedule.steps[schedule.step],
          state: schedule.state,
          since: schedule.since,
          holdSeconds: schedule.holdSeconds,
          minRequests: schedule.minRequests,
          requestsInStep: schedule.progress?.requestsInStep ?? null,
          heldSeconds: schedule.progress?.heldSeconds ?? null,
          next: schedule.progress?.next ?? null,
          by: schedule.by,
        }
      : null,
  }
}

function sideView(counts: WindowCounts) {
  const { n, errors, timeouts, fallbacks, compared, mismatches, hist } = counts
  const p95 = quantileMs(hist, 0.95)
  return { requests: n, errors, timeouts, fallbacks, compared, mismatches, p95Ms: p95 === null ? null : Math.round(p95 * 10) / 10 }
}
