import type { Logger } from '../core/logger.js'
import { guardsActive, type GuardName } from '../core/guard-policy.js'
import type { RouteSettings } from '../core/route-settings.js'
import { evaluateGuards, routeWindow, windowStart, type RouteWindow } from './guard-evaluator.js'
import { guardWindow, type Breach, type GuardDefaults } from './guards.js'
import type { LiveOverrides } from './live-overrides.js'
import type { RouteStateStore } from './route-state-store.js'
import { progress, type Progress, type StoredSchedule } from './schedule.js'
import { requestsIn, stepSchedule } from './scheduler.js'
import type { ScheduleStore } from './schedule-store.js'
import { WINDOW_TTL_SECONDS, type WindowStore } from './window-store.js'

export type ControlLoopDeps = {
  settings: RouteSettings
  live: LiveOverrides
  store: RouteStateStore
  windows: WindowStore
  schedules: ScheduleStore
  logger: Logger
  defaults: GuardDefaults
  instance: string
  /** GUARD_INTERVAL_MS: how often every process reads the windows and schedules. */
  intervalMs: number
  /** False while the database breaker is open: the tick is skipped. */
  storeAvailable: () => boolean
  onRollback: (route: string, guard: GuardName) => void
}

export type RouteControlView = { window?: RouteWindow; breach?: Breach; schedule?: StoredSchedule & { progress?: Progress } }

/**
 * Every process runs this loop: each tick reads the schedules and the windows of the routes that have guards
 * or a schedule (one query each), then judges the guards and steps the schedules. Writes are conditional,
 * so the processes need no leader; the loop never runs twice at once in a process.
 */
export class ControlLoop {
  private timer: NodeJS.Timeout | undefined
  private running: Promise<void> | undefined
  private views = new Map<string, RouteControlView>()
  private lastTickAt: Date | null = null
  private lastError: string | null = null

  constructor(private readonly deps: ControlLoopDeps) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.deps.intervalMs)
    this.timer.unref()
  }

  stop(): void {
    clearInterval(this.timer)
  }

  view(route: string): RouteControlView {
    return this.views.get(route) ?? {}
  }

  status() {
    return { intervalMs: this.deps.intervalMs, lastTickAt: this.lastTickAt, error: this.lastError }
  }

  /** Changes made through this process's admin API show at once. */
  noteSchedule(route: string, schedule: StoredSchedule | undefined): void {
    const view = { ...this.view(route) }
    if (schedule) view.schedule = schedule
    else delete view.schedule
    this.views.set(route, view)
  }

  tick(): Promise<void> {
    this.running ??= this.once()
      .then(() => {
        this.lastTickAt = new Date()
        this.lastError = null
      })
      .catch((error: unknown) => {
        if (!this.lastError) this.deps.logger.warn({ err: error }, 'guards and schedules: store unreachable, skipping')
        this.lastError = (error as Error).message
      })
      .finally(() => (this.running = undefined))
    return this.running
  }

  private async once(): Promise<void> {
    const { deps } = this
    if (!deps.storeAvailable()) throw new Error('database breaker open')
    const now = Date.now()
    const schedules = await deps.schedules.load()
    const guarded = deps.settings.all().filter((route) => guardsActive(route.guards))
    const names = new Set([...guarded.map((route) => route.name), ...schedules.keys()])
    const appliedAt = deps.live.status().appliedAt
    const fromOf = (name: string) => {
      const schedule = schedules.get(name)
      const windowMs = guardWindow(deps.settings.get(name).guards, deps.defaults).windowSeconds * 1000
      const changed = appliedAt.get(name)?.getTime() ?? 0
      return { guards: windowStart(now, windowMs, changed), step: windowStart(now, WINDOW_TTL_SECONDS * 1000, schedule ? schedule.since.getTime() : now) }
    }
    const known = new Set(deps.settings.declarations.map((route) => route.name))
    const relevant = [...names].filter((name) => known.has(name))
    const earliest = Math.min(now, ...relevant.map((name) => Math.min(fromOf(name).guards, fromOf(name).step)))
    const rows = relevant.length > 0 ? await deps.windows.read(earliest, relevant) : []
    const views = new Map<string, RouteControlView>()
    for (const name of relevant) {
      const route = deps.settings.get(name)
      const from = fromOf(name)
      const view: RouteControlView = {}
      if (guardsActive(route.guards)) {
        view.window = routeWindow(rows, name, from.guards)
        const breach = await evaluateGuards(route, view.window, { ...deps, refreshLive: () => deps.live.refresh() })
        if (breach) view.breach = breach
      }
      const schedule = schedules.get(name)
      if (schedule) {
        const stepWindow = routeWindow(rows, name, from.step)
        const stepped = view.breach
          ? { schedule, progress: progress(schedule, now, requestsIn(stepWindow)) }
          : await stepSchedule(schedule, deps.settings.get(name), stepWindow, deps)
        view.schedule = { ...stepped.schedule, progress: stepped.progress }
      }
      views.set(name, view)
    }
    this.views = views
  }
}
