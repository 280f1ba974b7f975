import { isIdempotentMethod, type RouteDeclaration } from './route.js'
import { resolve, type OverrideLayer } from './route-settings.js'

/** What the legacy app's url map offers, for checking that a declaration names a real legacy endpoint. */
export type LegacyRuleIndex = { has(rule: string, method: string): boolean; ruleProblem?(rule: string): string | undefined }

/**
 * Start-up validation, YARP-style: every problem in the declarations and the override layers, at once.
 * An empty list means the configuration is valid.
 */
export function validateRoutes(
  declarations: readonly RouteDeclaration[],
  layers: readonly OverrideLayer[],
  legacyRules?: LegacyRuleIndex,
): string[] {
  const problems: string[] = []
  const byName = new Map<string, RouteDeclaration>()
  const byMethodRule = new Map<string, string>()
  for (const route of declarations) {
    if (byName.has(route.name)) problems.push(`route "${route.name}": declared twice`)
    byName.set(route.name, route)
    if (route.methods.length === 0) problems.push(`route "${route.name}": no methods`)
    for (const method of route.methods) {
      const key = `${method} ${route.rule}`
      const other = byMethodRule.get(key)
      if (other) problems.push(`route "${route.name}": ${key} is already declared by "${other}"`)
      else byMethodRule.set(key, route.name)
      if (legacyRules && !legacyRules.has(route.rule, method)) {
        problems.push(`route "${route.name}": the legacy url map has no ${method} ${route.rule} (regenerate it with npm run legacy-url-map)`)
      }
    }
    const ruleProblem = legacyRules?.ruleProblem?.(route.rule)
    if (ruleProblem) problems.push(`route "${route.name}": ${ruleProblem}`)
  }
  for (const layer of layers) {
    for (const name of Object.keys(layer.overrides)) {
      if (!byName.has(name)) problems.push(`${sourceLabel(layer.source)}: unknown route "${name}" (known: ${[...byName.keys()].join(', ')})`)
    }
  }
  // Each combination that can be in force: the declaration alone, then with each layer on top.
  for (const route of declarations) {
    for (let depth = 0; depth <= layers.length; depth++) {
      const applied = layers.slice(0, depth)
      const where = depth === 0 ? 'declared' : sourceLabel(layers[depth - 1]!.source)
      if (depth > 0 && !layers[depth - 1]!.overrides[route.name]) continue
      problems.push(...effectiveProblems(route, applied).map((problem) => `route "${route.name}" (${where}): ${problem}`))
    }
  }
  return [...new Set(problems)]
}

function effectiveProblems(route: RouteDeclaration, layers: readonly OverrideLayer[]): string[] {
  const problems: string[] = []
  const effective = resolve(route, layers)
  const top = layers.at(-1)?.overrides[route.name]
  if (effective.mode !== 'legacy' && !route.handle) problems.push(`mode ${effective.mode} needs a handler; the route has none yet`)
  const unsafe = route.methods.filter((method) => !isIdempotentMethod(method))
  if (effective.mode === 'shadow' && unsafe.length > 0 && !route.shadow?.compareWrites) {
    problems.push(`shadow on ${unsafe.join('/')} needs a write comparator (shadow.compareWrites); it would write twice`)
  }
  if (effective.fallback && unsafe.length > 0) {
    problems.push(`fallback on ${unsafe.join('/')}: a failed write may have been applied, so it cannot be retried on the legacy app`)
  }
  if (top?.canaryPercent !== undefined && effective.mode !== 'canary') {
    problems.push(`canaryPercent ${top.canaryPercent} is set but the mode is ${effective.mode}`)
  }
  return problems
}

function sourceLabel(source: OverrideLayer['source']): string {
  return source === 'file' ? 'ROUTES_FILE' : source === 'env' ? 'ROUTE_MODES' : 'live override'
}
