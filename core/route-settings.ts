import { z } from 'zod'
import { routeModes, type RouteDeclaration, type RouteMode } from './route.js'
import { guardPolicySchema, mergeGuards, type GuardPolicy } from './guard-policy.js'

/**
 * Who answers a declared route, as layers: the declaration ◄ ROUTES_FILE ◄ ROUTE_MODES ◄ live overrides (the
 * control plane). The most specific layer that sets a field wins; clearing a live override falls back to the
 * layers below it.
 */
export type RouteOverride = {
  mode?: RouteMode
  canaryPercent?: number
  fallback?: boolean
  shadowIgnore?: string[]
  /** Field by field over the guards of the layers below (core/guard-policy.ts). */
  guards?: GuardPolicy
  /** Share of shadow requests compared, 0–1. */
  shadowSampleRate?: number
}
export const settingsSources = ['declared', 'file', 'env', 'live'] as const
export type SettingsSource = (typeof settingsSources)[number]

export type EffectiveRoute = {
  name: string
  mode: RouteMode
  /** canary: share of users, 0–100, answered by the gateway. */
  canaryPercent: number
  fallback: boolean
  shadowIgnore: readonly string[]
  /** The guards in force, merged over every layer (empty: none). */
  guards: GuardPolicy
  /** Share of shadow requests compared (0–1); absent: SHADOW_SAMPLE_RATE. */
  shadowSampleRate?: number
  /** The most specific layer that set any field. */
  source: SettingsSource
}

export const DEFAULT_CANARY_PERCENT = 10

export const overrideSchema = z.strictObject({
  mode: z.enum(routeModes).optional(),
  canaryPercent: z.number().min(0).max(100).optional(),
  fallback: z.boolean().optional(),
  shadowIgnore: z.array(z.string().min(1)).optional(),
  guards: guardPolicySchema.optional(),
  shadowSampleRate: z.number().min(0).max(1).optional(),
})
const overridesFileSchema = z.strictObject({ routes: z.record(z.string(), overrideSchema) })

export type OverrideLayer = { source: Exclude<SettingsSource, 'declared'>; overrides: Record<string, RouteOverride> }

export class RouteSettings {
  private layers: OverrideLayer[]
  private effective = new Map<string, EffectiveRoute>()

  constructor(
    readonly declarations: readonly RouteDeclaration[],
    layers: OverrideLayer[] = [],
  ) {
    this.layers = layers
    this.recompute()
  }

  get(name: string): EffectiveRoute {
    const route = this.effective.get(name)
    if (!route) throw new Error(`unknown route "${name}"`)
    return route
  }

  all(): EffectiveRoute[] {
    return [...this.effective.values()]
  }

  /** The overrides a given layer holds (for the admin API: "where does this come from"). */
  layer(source: OverrideLayer['source']): Record<string, RouteOverride> {
    return this.layers.find((layer) => layer.source === source)?.overrides ?? {}
  }

  /** Replaces the live layer as a whole (applied between requests: a plain reference swap). */
  setLive(overrides: Record<string, RouteOverride>): void {
    this.layers = [...this.layers.filter((layer) => layer.source !== 'live'), { source: 'live', overrides }]
    this.recompute()
  }

  private recompute(): void {
    const next = new Map<string, EffectiveRoute>()
    for (const declaration of this.declarations) next.set(declaration.name, resolve(declaration, this.layers))
    this.effective = next
  }
}

export function resolve(declaration: RouteDeclaration, layers: readonly OverrideLayer[]): EffectiveRoute {
  const route: EffectiveRoute = {
    name: declaration.name,
    mode: declaration.mode,
    canaryPercent: DEFAULT_CANARY_PERCENT,
    fallback: declaration.fallback ?? false,
    shadowIgnore: declaration.shadow?.ignore ?? [],
    guards: {},
    source: 'declared',
  }
  const guardLayers: (GuardPolicy | undefined)[] = [declaration.guards]
  if (declaration.shadow?.sampleRate !== undefined) route.shadowSampleRate = declaration.shadow.sampleRate
  let percentSet = false
  for (const source of settingsSources.slice(1)) {
    const override = layers.find((layer) => layer.source === source)?.overrides[declaration.name]
    if (!override || Object.keys(override).length === 0) continue
    if (override.mode !== undefined) route.mode = override.mode
    if (override.canaryPercent !== undefined) {
      route.canaryPercent = override.canaryPercent
      percentSet = true
    }
    if (override.fallback !== undefined) route.fallback = override.fallback
    if (override.shadowIgnore !== undefined) route.shadowIgnore = override.shadowIgnore
    guardLayers.push(override.guards)
    if (override.shadowSampleRate !== undefined) route.shadowSampleRate = override.shadowSampleRate
    route.source = source
  }
  route.guards = mergeGuards(guardLayers)
  if (!percentSet && route.mode !== 'canary') route.canaryPercent = 0
  return route
}

/**
 * `ROUTE_MODES="dashboard=legacy,estoque-hierarquia=shadow,movimentacoes-list=canary:25"`. Returns every
 * problem, not the first.
 */
export function parseModeOverrides(spec: string): { overrides: Record<string, RouteOverride>; problems: string[] } {
  const overrides: Record<string, RouteOverride> = {}
  const problems: string[] = []
  for (const pair of spec.split(',').map((part) => part.trim()).filter(Boolean)) {
    const [name = '', value = '', ...rest] = pair.split('=').map((piece) => piece.trim())
    const [mode, percent, ...more] = value.split(':')
    const parsed = overrideSchema.safeParse({
      mode,
      ...(percent === undefined ? {} : { canaryPercent: percent.trim() === '' ? Number.NaN : Number(percent) }),
    })
    if (!name || rest.length > 0 || more.length > 0 || !parsed.success) {
      problems.push(`"${pair}": expected NAME=MODE with MODE one of ${routeModes.join(', ')} (canary:PERCENT, 0–100, for canary)`)
      continue
    }
    overrides[name] = parsed.data
  }
  return { overrides, problems }
}

/** The same overrides as a JSON document (ROUTES_FILE): `{"routes": {"dashboard": {"mode": "shadow"}}}`. */
export function parseOverridesFile(json: string): { overrides: Record<string, RouteOverride>; problems: string[] } {
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch (error) {
    return { overrides: {}, problems: [`not JSON: ${(error as Error).message}`] }
  }
  const parsed = overridesFileSchema.safeParse(value)
  if (!parsed.success) {
    return { overrides: {}, problems: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`) }
  }
  return { overrides: parsed.data.routes, problems: [] }
}
