import type { Db } from 'mongodb'
import type { Config } from './config/config.js'
import type { Logger } from '../core/logger.js'
import type { RouteSettings } from '../core/route-settings.js'
import { CircuitBreaker } from '../core/breaker.js'
import { isDatabaseFailure } from '../core/mongo-errors.js'
import { RouteStateStore } from '../control/route-state-store.js'
import { LiveOverrides } from '../control/live-overrides.js'
import { changeProblems } from '../control/admin-api.js'
import { WindowStore } from '../control/window-store.js'
import { WindowRecorder } from '../control/window-recorder.js'
import { ScheduleStore } from '../control/schedule-store.js'
import { ControlLoop } from '../control/control-loop.js'
import type { GatewayMetrics } from './observability/metrics.js'

export type ControlPlane = ReturnType<typeof createControlPlane>

/**
 * The control plane's pieces for one process: live overrides, the shared windows (fed by the dispatcher,
 * written in batches), guards and schedules (the control loop), and the database breaker that both the
 * request path and these background writers consult.
 */
export function createControlPlane(deps: { config: Config; db: Db; settings: RouteSettings; logger: Logger; metrics: GatewayMetrics; instance: string }) {
  const { config, db, settings, logger, metrics, instance } = deps
  const breaker = new CircuitBreaker({ failureThreshold: config.DB_BREAKER_FAILURES, coolDownMs: config.DB_BREAKER_COOLDOWN_MS }, isDatabaseFailure, (state) => {
    metrics.breakerChanged(state)
    logger.warn({ event: 'db-breaker', ...breaker.status(), state }, `database breaker ${state}`)
  })
  const store = new RouteStateStore(db, instance)
  const live = new LiveOverrides(store, settings, logger, config.LIVE_REFRESH_MS, (name, override) => changeProblems(settings, name, override))
  const windows = new WindowStore(db)
  const schedules = new ScheduleStore(db)
  const storeAvailable = () => breaker.allows()
  const recorder = new WindowRecorder(
    windows,
    instance,
    { flushMs: config.WINDOW_FLUSH_MS, maxPending: config.WINDOW_BUFFER_MAX, storeAvailable, onDropped: (samples) => metrics.countWindowDropped(samples) },
    logger,
  )
  const defaults = { windowSeconds: config.GUARD_WINDOW_SECONDS, minRequests: config.GUARD_MIN_REQUESTS }
  const loop = new ControlLoop({
    settings,
    live,
    store,
    windows,
    schedules,
    logger,
    defaults,
    instance,
    intervalMs: config.GUARD_INTERVAL_MS,
    storeAvailable,
    onRollback: (route, guard) => metrics.countAutoRollback(route, guard),
  })
  // Buffered shared counters (shadow results, board traffic) are written once more on the way down.
  const flushers: Array<() => Promise<void>> = []
  return {
    instance,
    breaker,
    store,
    live,
    windows,
    schedules,
    recorder,
    loop,
    defaults,
    start() {
      live.start()
      recorder.start()
      loop.start()
    },
    /** Runs `flush` when the process stops, before the database connection closes. */
    flushOnStop(flush: () => Promise<void>) {
      flushers.push(flush)
    },
    async stop() {
      live.stop()
      loop.stop()
      recorder.stop()
      await Promise.all([recorder.flush(), ...flushers.map((flush) => flush())].map((flushed) => flushed.catch(() => undefined)))
    },
    async ensureIndexes() {
      await store.ensureIndexes()
      await windows.ensureIndexes()
    },
  }
}
