/**
 * The url_map file written by scripts/legacy-url-map/export.py (routes/legacy-url-map.json): Flask's rules as
 * Werkzeug computed them, and the map's settings.
 */
import { readFileSync } from 'node:fs'
import { compileUrlMap, type UrlMap, type UrlMapOptions, type UrlRule } from './url-map.js'

export type UrlMapFileRule = {
  endpoint: string
  rule: string
  methods: string[] | null
  strict_slashes: boolean
  merge_slashes: boolean
  defaults: Record<string, unknown>
  provide_automatic_options?: boolean
  redirect_to?: string | { callable: string }
  host?: string
  subdomain?: string
  build_only?: boolean
  alias?: boolean
  websocket?: boolean
}

export type UrlMapFile = {
  rules: UrlMapFileRule[]
  map: {
    strict_slashes: boolean
    merge_slashes: boolean
    redirect_defaults: boolean
    host_matching?: boolean
    default_subdomain?: string
    subdomain_matching?: boolean
    /** Converters that are not Werkzeug's own (name → Python class). */
    converters?: Record<string, string>
  }
}

/** The file's rules and options for compileUrlMap; refuses what the router cannot reproduce. */
export function urlMapFromFile(file: UrlMapFile): { rules: UrlRule[]; options: UrlMapOptions } {
  const problems: string[] = []
  if (file.map.host_matching) problems.push('host_matching is on')
  if (file.map.subdomain_matching) problems.push('subdomain_matching is on')
  for (const [name, cls] of Object.entries(file.map.converters ?? {})) problems.push(`custom converter ${name} (${cls})`)
  const rules = file.rules.map((rule): UrlRule => {
    if (rule.redirect_to !== undefined && typeof rule.redirect_to !== 'string') {
      problems.push(`${rule.rule}: redirect_to is a callable`)
    }
    return {
      endpoint: rule.endpoint,
      rule: rule.rule,
      methods: rule.methods,
      strictSlashes: rule.strict_slashes,
      mergeSlashes: rule.merge_slashes,
      defaults: rule.defaults,
      provideAutomaticOptions: rule.provide_automatic_options ?? false,
      ...(typeof rule.redirect_to === 'string' ? { redirectTo: rule.redirect_to } : {}),
      ...(rule.subdomain ? { subdomain: rule.subdomain } : {}),
      ...(rule.build_only ? { buildOnly: true } : {}),
      ...(rule.alias ? { alias: true } : {}),
      ...(rule.websocket ? { websocket: true } : {}),
    }
  })
  if (problems.length > 0) throw new Error(`url map not supported by the router: ${problems.join('; ')}`)
  return {
    rules,
    options: {
      strictSlashes: file.map.strict_slashes,
      mergeSlashes: file.map.merge_slashes,
      redirectDefaults: file.map.redirect_defaults,
    },
  }
}

/** Reads and compiles a url_map file. */
export function loadUrlMapFile(path: string): UrlMap {
  const { rules, options } = urlMapFromFile(JSON.parse(readFileSync(path, 'utf8')) as UrlMapFile)
  return compileUrlMap(rules, options)
}
