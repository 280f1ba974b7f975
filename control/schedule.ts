import { z } from 'zod'
import type { RouteOverride } from '../core/route-settings.js'

/**
 * Progressive delivery of one route: steps such as `shadow`, `canary:5`, `canary:25`, `migrated`, each held
 * at least `holdSeconds` and `minRequests` requests, promoted only while the route's guards hold.
 */
export const SCHEDULE_MAX_STEPS = 20
const stepPattern = /^(shadow|migrated|canary:(100|[1-9]?[0-9](\.[0-9]+)?))$/
export const scheduleSchema = z.strictObject({
  steps: z
    .array(z.string().regex(stepPattern, 'a step is shadow, canary:PERCENT (0–100) or migrated'))
    .min(1)
    .max(SCHEDULE_MAX_STEPS),
  holdSeconds: z.number().int().min(0).max(7 * 24 * 3600),
  minRequests: z.number().int().min(0).max(100_000_000),
  reason: z.string().trim().min(1).max(500).optional(),
  by: z.string().trim().min(1).max(100).optional(),
})
export type ScheduleInput = z.infer<typeof scheduleSchema>

export type ScheduleState = 'running' | 'paused' | 'done' | 'stopped: auto-rollback'
export type StoredSchedule = {
  _id: string
  steps: string[]
  holdSeconds: number
  minRequests: number
  /** 0-based index of the step in force. */
  step: number
  /** When the step in force began (shared clock: the writer's). */
  since: Date
  state: ScheduleState
  /** Bumped by every change: promotions are conditional on it (one writer wins). */
  version: number
  by: string
  at: Date
}

export function stepOverride(step: string): RouteOverride {
  if (step.startsWith('canary:')) return { mode: 'canary', canaryPercent: Number(step.slice('canary:'.length)) }
  return { mode: step as 'shadow' | 'migrated' }
}

/** `schedule: step 2 of 5 (canary:25)` — the reason of the live override a schedule writes. */
export function stepReason(schedule: Pick<StoredSchedule, 'steps'>, step: number): string {
  return `schedule: step ${step + 1} of ${schedule.steps.length} (${schedule.steps[step]})`
}

export type Progress = {
  /** Seconds the step has been held, requests answered since it began. */
  heldSeconds: number
  requestsInStep: number
  /** True when the hold and the count are met (guards are checked apart). */
  due: boolean
  next: string
}

/** Where a schedule stands and what its next promotion waits for. */
export function progress(schedule: StoredSchedule, nowMs: number, requestsInStep: number): Progress {
  const heldSeconds = Math.max(0, Math.floor((nowMs - schedule.since.getTime()) / 1000))
  const base = { heldSeconds, requestsInStep }
  if (schedule.state !== 'running' && schedule.state !== 'paused') return { ...base, due: false, next: schedule.state === 'done' ? 'none: the last step is in force' : `none: ${schedule.state}` }
  const next = schedule.steps[schedule.step + 1]
  if (next === undefined) return { ...base, due: false, next: 'none: the last step is in force' }
  const waitSeconds = Math.max(0, schedule.holdSeconds - heldSeconds)
  const moreRequests = Math.max(0, schedule.minRequests - requestsInStep)
  const due = waitSeconds === 0 && moreRequests === 0
  const when = due ? 'now' : [waitSeconds > 0 ? `in ${waitSeconds} s` : '', moreRequests > 0 ? `after ${moreRequests} more requests` : ''].filter(Boolean).join(' and ')
  return { ...base, due: due && schedule.state === 'running', next: `${next} ${when} while the guards hold${schedule.state === 'paused' ? ' (paused)' : ''}` }
}
