import type { RouteDeclaration } from '../../core/route.js'
import type { UrlMatcher } from '../../core/router.js'
import type { LegacyRuleIndex } from '../../core/validate-routes.js'

/**
 * The legacy url map the router matches against. Interim: the declared rules only, matched on the raw path
 * with `<name>` as one non-empty segment.
 */
export function legacyUrlMap(declarations: readonly RouteDeclaration[]): UrlMatcher & LegacyRuleIndex {
  const rules = declarations.map((route) => ({
    rule: route.rule,
    methods: new Set(route.methods.flatMap((method) => (method === 'GET' ? ['GET', 'HEAD'] : [method]))),
    pattern: new RegExp(`^${route.rule.replace(/<(?:[a-z]+:)?([a-z_]+)>/g, '(?<$1>[^/]+)')}$`),
  }))
  return {
    match(method, rawTarget) {
      const query = rawTarget.indexOf('?')
      const path = query === -1 ? rawTarget : rawTarget.slice(0, query)
      for (const rule of rules) {
        const found = rule.pattern.exec(path)
        if (found && rule.methods.has(method)) return { kind: 'match', endpoint: rule.rule, rule: rule.rule, params: { ...found.groups } }
      }
      return { kind: 'not-found' }
    },
    has: (rule, method) => rules.some((candidate) => candidate.rule === rule && candidate.methods.has(method)),
  }
}

/** `/api/x/<int:id>` → `/api/x/{id}`. */
export function openApiPath(rule: string): string {
  return rule.replace(/<(?:[a-z]+(?:\([^)]*\))?:)?([A-Za-z_][A-Za-z0-9_]*)>/g, '{$1}')
}
