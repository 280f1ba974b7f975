import type { RouteSettings } from '../../core/route-settings.js'
import type { RouteStateStore } from '../../control/route-state-store.js'
import type { Shadow } from '../shadow/index.js'
import type { RouteShadowReport } from '../shadow/shadow-store.js'
import { LEGACY_ENDPOINT_PREFIX, type TrafficCounters, type TrafficReport } from './traffic.js'

/** The legacy url map as exported (routes/legacy-url-map.json). */
export type UrlMapRules = { rules: Array<{ endpoint: string; rule: string; methods: string[] | null }> }

export type BoardDeps = {
  settings: RouteSettings
  shadow: Shadow
  traffic: TrafficCounters
  store: RouteStateStore
  urlMap: UrlMapRules
  endpointFor: (rule: string, method: string) => string | undefined
  fallbackCounts: () => Promise<Map<string, number>>
}

/** The board's window: traffic, match rates and sparklines cover the last this many minutes. */
export const BOARD_WINDOW_MINUTES = 30
const IGNORED_METHODS = new Set(['HEAD', 'OPTIONS'])

/**
 * Everything the board shows, in one document (GET /_gateway/board/data): every declared route with its
 * mode, traffic shares, shadow results and latency; the backlog of legacy endpoints no declaration serves
 * yet, ranked by the time the legacy app spends on them; the latest route changes (audit, rollbacks).
 */
export async function boardData(deps: BoardDeps) {
  const windowMs = BOARD_WINDOW_MINUTES * 60_000
  await Promise.all([deps.shadow.flush(), deps.traffic.flush()])
  const [traffic, shadow, fallbacks, changes] = await Promise.all([
    deps.traffic.report(windowMs),
    deps.shadow.store.report(windowMs, 1),
    deps.fallbackCounts(),
    deps.store.history(undefined, 10).catch(() => []),
  ])
  const routes = deps.settings.declarations.map((declaration) => {
    const effective = deps.settings.get(declaration.name)
    const seen = traffic.get(declaration.name)
    const report = shadow.get(declaration.name)
    const served = seen?.served ?? { gateway: 0, legacy: 0 }
    const total = served.gateway + served.legacy
    return {
      name: declaration.name,
      methods: declaration.methods,
      rule: declaration.rule,
      mode: effective.mode,
      canaryPercent: effective.canaryPercent,
      source: effective.source,
      served,
      gatewayShare: total ? served.gateway / total : null,
      errors: seen?.errors ?? { gateway: 0, legacy: 0 },
      latencyMs: seen?.latencyMs ?? null,
      fallbacks: fallbacks.get(declaration.name) ?? 0,
      series: seen?.series ?? [],
      shadow: report ? shadowView(report) : null,
    }
  })
  return { generatedAt: new Date().toISOString(), windowMinutes: BOARD_WINDOW_MINUTES, routes, backlog: backlog(deps, traffic), changes }
}

function shadowView(report: RouteShadowReport) {
  const sample = report.samples[0]
  return {
    compared: report.compared,
    matchRate: report.matchRate,
    counts: report.counts,
    topPaths: report.paths.slice(0, 5),
    noise: report.noise.slice(0, 5),
    latencyMs: report.latencyMs,
    errors: report.errors,
    series: report.series,
    sample: sample ? { at: sample.at, requestId: sample.requestId, target: sample.target, differences: sample.differences.slice(0, 10), legacy: sample.legacy, gateway: sample.gateway } : null,
  }
}

/**
 * Legacy endpoints (method + Flask rule) that no declaration in a non-legacy mode serves, with the traffic
 * the legacy app answered for them: unlisted requests are counted per endpoint, and a declared route still
 * in legacy mode counts for its endpoint. Ranked by the milliseconds the legacy app spent (traffic × latency).
 */
export function backlog(deps: Pick<BoardDeps, 'settings' | 'urlMap' | 'endpointFor'>, traffic: Map<string, TrafficReport>) {
  const served = new Set<string>()
  const legacyDeclared = new Map<string, string[]>()
  for (const declaration of deps.settings.declarations) {
    const mode = deps.settings.get(declaration.name).mode
    for (const method of declaration.methods) {
      const endpoint = deps.endpointFor(declaration.rule, method) ?? declaration.rule
      if (mode === 'legacy') legacyDeclared.set(endpoint, [...(legacyDeclared.get(endpoint) ?? []), declaration.name])
      else served.add(`${method} ${endpoint}`)
    }
  }
  const rows = deps.urlMap.rules
    .map((rule) => {
      const methods = (rule.methods ?? ['GET']).filter((method) => !IGNORED_METHODS.has(method) && !served.has(`${method} ${rule.endpoint}`))
      const reports = [traffic.get(`${LEGACY_ENDPOINT_PREFIX}${rule.endpoint}`), ...(legacyDeclared.get(rule.endpoint) ?? []).map((name) => traffic.get(name))].filter((report): report is TrafficReport => report !== undefined)
      const requests = reports.reduce((sum, report) => sum + report.served.legacy, 0)
      const legacyMs = reports.reduce((sum, report) => sum + report.legacyMsTotal, 0)
      const series = reports.reduce<number[]>((sum, report) => report.series.map((value, index) => value + (sum[index] ?? 0)), [])
      const p95 = reports.map((report) => report.latencyMs.legacy.p95).filter((value): value is number => value !== null)
      return {
        endpoint: rule.endpoint,
        rule: rule.rule,
        methods,
        declaredAs: legacyDeclared.get(rule.endpoint) ?? [],
        requests,
        legacyMsTotal: legacyMs,
        meanMs: requests ? Math.round(legacyMs / requests) : null,
        p95Ms: p95.length ? Math.max(...p95) : null,
        series,
      }
    })
    .filter((row) => row.methods.length > 0)
  return rows.sort((a, b) => b.legacyMsTotal - a.legacyMsTotal || b.requests - a.requests || a.rule.localeCompare(b.rule))
}
