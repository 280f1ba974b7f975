/** Werkzeug 3.1 routing, as the legacy Flask app behind gunicorn applies it. See docs/routing.md. */
export { compileUrlMap, type RequestContext, type UrlMap, type UrlMapOptions, type UrlMatch, type UrlRule } from './url-map.js'
export { loadUrlMapFile, urlMapFromFile, type UrlMapFile, type UrlMapFileRule } from './url-map-file.js'
export {
  type ConverterArg,
  type ParsedRule,
  type RuleSegment,
  builtinConverters,
  createConverter,
  parseConverterArgs,
  parseFlaskRule,
  toOpenApiPath,
} from './rules.js'
export { gunicornTarget, type WsgiTarget } from './request-target.js'
export { PythonUuid, type PythonValue } from './python.js'
