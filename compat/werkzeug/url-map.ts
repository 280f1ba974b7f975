/**
 * Werkzeug 3.1's URL matching (werkzeug/routing/map.py MapAdapter.match, matcher.py StateMachineMatcher)
 * for a Flask app's exported url_map, fed with raw request targets the way gunicorn feeds Werkzeug.
 * Compiled once; a match is a walk of the state machine with precompiled regexes.
 */
import { gunicornTarget, type GunicornOptions } from './request-target.js'
import { type PythonValue, WERKZEUG_PATH_SAFE, pyQuote } from './python.js'
import { type Converter, type RulePart, ValidationError, compareWeighting, partKey, ruleParts } from './rules.js'

export type UrlRule = {
  endpoint: string
  rule: string
  /** As Werkzeug computed them (HEAD added for GET; Flask adds OPTIONS); null: any method. */
  methods: readonly string[] | null
  strictSlashes?: boolean
  mergeSlashes?: boolean
  defaults?: Record<string, unknown>
  /** Flask answers OPTIONS itself for this rule (`provide_automatic_options`). */
  provideAutomaticOptions?: boolean
  /** Werkzeug redirects every match of this rule (a string template in rule syntax). */
  redirectTo?: string
  subdomain?: string
  buildOnly?: boolean
  alias?: boolean
  websocket?: boolean
}

export type UrlMatch =
  | {
      kind: 'match'
      endpoint: string
      rule: string
      params: Record<string, PythonValue>
      /** OPTIONS on a rule with automatic options: Flask answers it itself, the view never runs. */
      automaticOptions?: boolean
    }
  /** What Werkzeug's RequestRedirect sends (308): absolute when the request's host is given. */
  | { kind: 'redirect'; location: string }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' }
  /** gunicorn refuses the request line itself (400) before any routing. */
  | { kind: 'bad-request'; reason: string }

export type UrlMapOptions = {
  /** Map-level defaults (Map(strict_slashes=True, merge_slashes=True, redirect_defaults=True)). */
  strictSlashes?: boolean
  mergeSlashes?: boolean
  redirectDefaults?: boolean
  gunicorn?: GunicornOptions
}

/** Per request: what Werkzeug builds absolute redirect URLs from. */
export type RequestContext = {
  /** The Host header as received. Without it, `location` is path + query only. */
  host?: string
  /** wsgi.url_scheme (gunicorn: "https" only behind a trusted proxy that says so). Default "http". */
  scheme?: string
}

export interface UrlMap {
  match(method: string, rawTarget: string, request?: RequestContext): UrlMatch
  readonly rules: readonly UrlRule[]
}

type CompiledRule = {
  source: UrlRule
  index: number
  methods: ReadonlySet<string> | null
  strictSlashes: boolean
  mergeSlashes: boolean
  converters: Map<string, Converter>
  defaults: Record<string, PythonValue> | undefined
  websocket: boolean
}

class State {
  dynamic: Array<[RulePart, State]> = []
  rules: CompiledRule[] = []
  static = new Map<string, State>()
}

type Found = [CompiledRule, string[]]

/** Werkzeug raises SlashRequired from deep in the walk; here a sentinel result every level passes up. */
const SLASH_REQUIRED = Symbol('slash required')

function addMethods(rule: CompiledRule, haveMatchFor: Set<string>): void {
  for (const m of rule.methods!) haveMatchFor.add(m)
}

/** StateMachineMatcher.match's inner `_match`, step for step. */
function walk(
  state: State,
  parts: readonly string[],
  at: number,
  values: readonly string[],
  method: string,
  haveMatchFor: Set<string>,
): Found | null | typeof SLASH_REQUIRED {
  if (at === parts.length) {
    for (const rule of state.rules) {
      if (rule.methods !== null && !rule.methods.has(method)) addMethods(rule, haveMatchFor)
      else if (rule.websocket) continue
      else return [rule, values as string[]]
    }
    // The same path plus a trailing slash would match: redirect there (strict) or match (not strict).
    const slash = state.static.get('')
    if (slash) {
      for (const rule of slash.rules) {
        if (!rule.websocket && (rule.methods === null || rule.methods.has(method))) {
          return rule.strictSlashes ? SLASH_REQUIRED : [rule, values as string[]]
        }
      }
    }
    return null
  }
  const part = parts[at]!
  const next = state.static.get(part)
  if (next) {
    const found = walk(next, parts, at + 1, values, method, haveMatchFor)
    if (found !== null) return found
  }
  for (const [test, nextState] of state.dynamic) {
    // A final part (a converter that takes slashes) consumes all the remaining parts.
    const m = test.jsRegex!.exec(test.final ? parts.slice(at).join('/') : part)
    if (m === null) continue
    let rest = parts
    let restAt = test.final ? parts.length : at + 1
    if (test.suffixed && m[test.groups! + 1] === '/') {
      rest = SLASH_ONLY
      restAt = 0
    }
    const groups = values.slice()
    for (let i = 1; i <= test.groups!; i++) groups.push(m[i]!)
    const found = walk(nextState, rest, restAt, groups, method, haveMatchFor)
    if (found !== null) return found
  }
  // Only a trailing slash left: rules without strict slashes match here.
  if (at === parts.length - 1 && part === '') {
    for (const rule of state.rules) {
      if (rule.strictSlashes) continue
      if (rule.methods !== null && !rule.methods.has(method)) addMethods(rule, haveMatchFor)
      else if (rule.websocket) continue
      else return [rule, values as string[]]
    }
  }
  return null
}

const SLASH_ONLY: readonly string[] = ['']

/** Default values from JSON: integral numbers stand for Python ints (JSON cannot tell 1 from 1.0). */
function defaultValue(value: unknown): PythonValue {
  if (typeof value === 'number') return value
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value
  if (Array.isArray(value)) return value.map(defaultValue)
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, defaultValue(v)]))
  }
  throw new Error(`unsupported default value ${String(value)}`)
}

export function compileUrlMap(rules: readonly UrlRule[], options: UrlMapOptions = {}): UrlMap {
  const mapStrict = options.strictSlashes ?? true
  const mapMerge = options.mergeSlashes ?? true
  const redirectDefaults = options.redirectDefaults ?? true
  const root = new State()

  rules.forEach((source, index) => {
    if (source.buildOnly) return // never matched (Map.add skips build-only rules)
    if (source.alias && redirectDefaults) throw new Error(`${source.rule}: alias rules are not supported`)
    if (!source.rule.startsWith('/')) throw new Error(`URL rule '${source.rule}' must start with a slash.`)
    const converters = new Map<string, Converter>()
    const mergeSlashes = source.mergeSlashes ?? mapMerge
    // Flask matches with the subdomain forced to "" (subdomain_matching off): the domain part is parsed
    // from the rule's own subdomain, as Werkzeug does, and compared with "".
    const domainParts: RulePart[] = source.subdomain
      ? ruleParts(source.subdomain, converters)
      : [{ content: '', final: false, static: true, suffixed: false, weight: [0, [], 0, []] }]
    const path = mergeSlashes ? source.rule.replace(/\/{2,}/g, '/') : source.rule
    const compiled: CompiledRule = {
      source,
      index,
      methods: source.methods === null ? null : new Set(source.methods.map((m) => m.toUpperCase())),
      strictSlashes: source.strictSlashes ?? mapStrict,
      mergeSlashes,
      converters,
      defaults: source.defaults && Object.keys(source.defaults).length > 0 ? (defaultValue(source.defaults) as Record<string, PythonValue>) : undefined,
      websocket: source.websocket ?? false,
    }
    if (compiled.defaults && redirectDefaults) {
      const others = rules.filter((r) => r !== source && r.endpoint === source.endpoint && !r.buildOnly)
      if (others.length > 0) throw new Error(`${source.rule}: defaults shared with other rules of ${source.endpoint} (redirect_defaults) are not supported`)
    }
    let state = root
    for (const part of [...domainParts, ...ruleParts(path, converters)]) {
      if (part.static) {
        let next = state.static.get(part.content)
        if (!next) state.static.set(part.content, (next = new State()))
        state = next
      } else {
        const key = partKey(part)
        const existing = state.dynamic.find(([test]) => partKey(test) === key)
        if (existing) state = existing[1]
        else {
          const next = new State()
          state.dynamic.push([part, next])
          state = next
        }
      }
    }
    state.rules.push(compiled)
  })

  // StateMachineMatcher.update: dynamic transitions by weight (a stable sort, as Python's).
  const sortState = (state: State): void => {
    state.dynamic.sort((a, b) => compareWeighting(a[0].weight, b[0].weight))
    for (const next of state.static.values()) sortState(next)
    for (const [, next] of state.dynamic) sortState(next)
  }
  sortState(root)

  const matchPath = (path: string, method: string, haveMatchFor: Set<string>): Found | null | typeof SLASH_REQUIRED =>
    walk(root, ['', ...path.split('/')], 0, [], method, haveMatchFor)

  const redirect = (path: string, query: string, request: RequestContext | undefined): UrlMatch => {
    // MapAdapter.make_redirect_url with SCRIPT_NAME "": scheme://host/ + quoted path, query as received.
    const quoted = pyQuote(path, WERKZEUG_PATH_SAFE).replace(/^\/+/, '')
    const pathAndQuery = `/${quoted}${query ? `?${query}` : ''}`
    if (request?.host === undefined) return { kind: 'redirect', location: pathAndQuery }
    return { kind: 'redirect', location: `${request.scheme ?? 'http'}://${redirectHost(request.host, request.scheme ?? 'http')}${pathAndQuery}` }
  }

  const notFound = (haveMatchFor: Set<string>): UrlMatch =>
    haveMatchFor.size > 0 ? { kind: 'method-not-allowed', allowed: [...haveMatchFor].sort() } : { kind: 'not-found' }

  return {
    rules,
    match(rawMethod: string, rawTarget: string, request?: RequestContext): UrlMatch {
      const target = gunicornTarget(rawMethod, rawTarget, options.gunicorn)
      if (!target.ok) return { kind: 'bad-request', reason: target.reason }
      const method = rawMethod.toUpperCase()
      const pathInfo = target.pathInfo
      const path = pathInfo ? `/${pathInfo.replace(/^\/+/, '')}` : ''
      // QUERY_STRING is ASCII (gunicorn refuses anything else), so Werkzeug's decoding leaves it as it is.
      const query = target.queryString
      const haveMatchFor = new Set<string>()
      let found = matchPath(path, method, haveMatchFor)
      if (found === SLASH_REQUIRED) return redirect(`${path}/`, query, request)
      if (mapMerge && found === null) {
        // Werkzeug retries with slashes merged; without a run of slashes that second walk is the first again.
        if (!path.includes('//')) return notFound(haveMatchFor)
        const merged = path.replace(/\/{2,}/g, '/')
        found = matchPath(merged, method, haveMatchFor)
        if (found === SLASH_REQUIRED) return redirect(`${merged}/`, query, request)
        if (found === null || !found[0].mergeSlashes) return notFound(haveMatchFor)
        return redirect(merged, query, request)
      }
      if (found === null) return notFound(haveMatchFor)
      const [rule, values] = found
      const params: Record<string, PythonValue> = {}
      let i = 0
      for (const [name, converter] of rule.converters) {
        if (i >= values.length) break
        try {
          params[name] = converter.toPython(values[i]!)
        } catch (error) {
          if (error instanceof ValidationError) return notFound(haveMatchFor)
          throw error
        }
        i++
      }
      if (rule.defaults) Object.assign(params, rule.defaults)
      if (rule.source.redirectTo !== undefined) {
        const location = rule.source.redirectTo.replace(/<([^>]+)>/g, (_, name: string) => rule.converters.get(name)!.toUrl(params[name]!))
        return { kind: 'redirect', location: joinRedirect(location, request) }
      }
      const match: UrlMatch = { kind: 'match', endpoint: rule.source.endpoint, rule: rule.source.rule, params }
      if (method === 'OPTIONS' && rule.source.provideAutomaticOptions) match.automaticOptions = true
      return match
    },
  }
}

/** get_host(): the Host header lower-cased, without the scheme's default port. */
function redirectHost(host: string, scheme: string): string {
  const lower = host.toLowerCase()
  if ((scheme === 'http' || scheme === 'ws') && lower.endsWith(':80')) return lower.slice(0, -3)
  if ((scheme === 'https' || scheme === 'wss') && lower.endsWith(':443')) return lower.slice(0, -4)
  return lower
}

/** redirect_to targets are joined to `scheme://host/` (urljoin); only simple relative and absolute paths. */
function joinRedirect(location: string, request: RequestContext | undefined): string {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(location)) return location
  const path = location.startsWith('/') ? location : `/${location}`
  if (request?.host === undefined) return path
  return `${request.scheme ?? 'http'}://${redirectHost(request.host, request.scheme ?? 'http')}${path}`
}
