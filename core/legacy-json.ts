import type { Context } from 'hono'
import { ObjectId } from 'mongodb'
import { httpDate } from '../compat/werkzeug/http-date.js'
import { rememberJsonBody } from '../gateway/speed/json-body.js'
import type { ResponseCache } from './response-cache.js'

/**
 * Serializes a response value the way `flask.jsonify` would, as far as a JSON client can tell: Dates as
 * http-dates, ObjectIds as hex, bigints as exact integers (Python ints are unbounded), -0.0 kept negative.
 * Key order and escaping are not part of the contract.
 */
export function legacyJsonText(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'number') {
    if (Object.is(value, -0)) return '-0.0'
    // flask.jsonify writes NaN/Infinity (not valid JSON); stored quantities never hold them in practice.
    if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity'
    return JSON.stringify(value)
  }
  if (typeof value === 'string') return JSON.stringify(value)
  if (value instanceof Date) return JSON.stringify(httpDate(value))
  if (value instanceof ObjectId) return JSON.stringify(value.toHexString())
  if (Array.isArray(value)) return `[${value.map(legacyJsonText).join(',')}]`
  if (typeof value === 'object' && 'toJSON' in value && typeof value.toJSON === 'function') {
    return legacyJsonText(value.toJSON())
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined)
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${legacyJsonText(v)}`).join(',')}}`
}

/** A JSON response with the legacy serialization and `Content-Type: application/json`. */
export function legacyJson(c: Context, value: unknown, status = 200, headers: Record<string, string> = {}): Response {
  const text = `${legacyJsonText(value)}\n`
  return rememberJsonBody(c.body(text, status as 200, { 'content-type': 'application/json', ...headers }), text)
}

/**
 * `legacyJson(c, await compute())`, through the response cache when there is one (CACHE_TTL_MS > 0): the
 * serialized body and its ETag are cached under `key`, so a hit costs no query and no serialization.
 */
export async function cachedLegacyJson(c: Context, cache: ResponseCache | undefined, key: string, compute: () => Promise<unknown>): Promise<Response> {
  if (!cache) return legacyJson(c, await compute())
  const { body, etag } = await cache.getOrCompute(key, async () => `${legacyJsonText(await compute())}\n`)
  return rememberJsonBody(c.body(body, 200, { 'content-type': 'application/json' }), body, etag)
}

/** The legacy `erro(mensagem, status, **extra)` helper. */
export function legacyError(c: Context, erro: string, status = 400, extra: Record<string, unknown> = {}): Response {
  return legacyJson(c, { erro, ...extra }, status)
}
