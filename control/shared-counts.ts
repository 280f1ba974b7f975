import type { WindowStore } from './window-store.js'

/** How far back `/_gateway/status` adds up the shared windows (within their TTL). */
export const STATUS_WINDOW_SECONDS = 600

export type SideCounts = { gateway: number; legacy: number }
export type SharedRouteCounts = SideCounts & { byInstance: Record<string, SideCounts> }

/**
 * Requests answered per route and side over the last STATUS_WINDOW_SECONDS, by every worker of every
 * instance (each adds into the shared windows), with the split by instance. Lags by up to WINDOW_FLUSH_MS.
 */
export async function sharedCounts(windows: WindowStore, nowMs = Date.now()): Promise<Map<string, SharedRouteCounts>> {
  const rows = await windows.read(nowMs - STATUS_WINDOW_SECONDS * 1000)
  const result = new Map<string, SharedRouteCounts>()
  for (const row of rows) {
    let route = result.get(row.route)
    if (!route) result.set(row.route, (route = { gateway: 0, legacy: 0, byInstance: {} }))
    const instance = (route.byInstance[row.instance] ??= { gateway: 0, legacy: 0 })
    route[row.side] += row.counts.n
    instance[row.side] += row.counts.n
  }
  return result
}
