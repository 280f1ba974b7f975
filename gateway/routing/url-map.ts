import { compileUrlMap, parseFlaskRule, toOpenApiPath, urlMapFromFile, type UrlMap, type UrlMapFile } from '../../compat/werkzeug/index.js'
import type { UrlMatcher } from '../../core/router.js'
import type { LegacyRuleIndex } from '../../core/validate-routes.js'
import exported from '../../routes/legacy-url-map.json' with { type: 'json' }

/**
 * The legacy app's url map (routes/legacy-url-map.json, exported from the app by `npm run legacy-url-map`),
 * compiled once: the router matches every request against all of it, as Werkzeug would, and start-up
 * validation checks each declaration against it.
 */
export function legacyUrlMap(file: UrlMapFile = exported as UrlMapFile): UrlMatcher & LegacyRuleIndex {
  const { rules, options } = urlMapFromFile(file)
  const urlMap: UrlMap = compileUrlMap(rules, options)
  const endpointFor = (text: string, method: string) =>
    rules.find((rule) => rule.rule === text && (rule.methods === null || rule.methods.includes(method)))?.endpoint
  return {
    match: (method, rawTarget) => urlMap.match(method, rawTarget),
    endpointFor,
    has: (rule, method) => endpointFor(rule, method) !== undefined,
    ruleProblem(rule) {
      try {
        parseFlaskRule(rule)
        return undefined
      } catch (error) {
        return `invalid Flask rule ${rule}: ${(error as Error).message}`
      }
    },
  }
}

/** `/api/x/<int:id>` → `/api/x/{id}`. */
export const openApiPath = toOpenApiPath
