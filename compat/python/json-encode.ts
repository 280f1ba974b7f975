import { Code, Double, Int32, Long, BSONSymbol, Timestamp } from 'mongodb'
import { httpDate } from '../werkzeug/http-date.js'
import { PythonError, typeError } from './errors.js'
import { pythonFloatRepr } from './float.js'
import { PyInt } from './json-decode.js'
import { isPlainObject, pythonTypeName } from './number.js'
import { compareCodePoints } from './unicode.js'

/**
 * Flask 3.1's `json.dumps` (DefaultJSONProvider): `sort_keys=True`, `ensure_ascii=True`, dates through
 * `http_date`, anything else not JSON-serializable a TypeError (→ the legacy 500). `compact` gives
 * `jsonify`'s separators `(",", ":")`; otherwise Python's default `(", ", ": ")` (what `flask.json.dumps`
 * writes, e.g. the legacy error handler's bodies).
 *
 * Values follow the model of compat/python/number.ts: a JS number or BSON Double is a float (`10.0`,
 * `1e-07`), a bigint, Int32, Long or PyInt an int (exact at any size). Deliberate difference: a non-finite
 * float is written `null`, where Python writes `NaN`/`Infinity` (not JSON; see docs/compatibility.md).
 * Object properties whose value is `undefined` are left out (a JS-side "absent", never a stored value).
 */
export function pythonJsonDumps(value: unknown, compact: boolean): string {
  return encode(value, compact ? ',' : ', ', compact ? ':' : ': ')
}

// What ensure_ascii escapes beyond JSON.stringify: DEL and everything non-ASCII (lone surrogates included,
// which JSON.stringify already writes as \udXXX).
const NEEDS_ASCII_ESCAPE = /[\u007f-\uffff]/
const ASCII_ESCAPE = /[\u007f-\uffff]/g
const escapeChar = (char: string) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`

// Printable ASCII other than `"` and `\` is written as is by both.
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/

function encodeString(value: string): string {
  if (PLAIN.test(value)) return `"${value}"`
  const json = JSON.stringify(value)
  return NEEDS_ASCII_ESCAPE.test(json) ? json.replace(ASCII_ESCAPE, escapeChar) : json
}

function encodeFloat(value: number): string {
  // Deliberate: NaN/Infinity are not JSON; the gateway writes null (docs/compatibility.md).
  if (value - value !== 0) return 'null'
  return pythonFloatRepr(value)
}

function encode(value: unknown, item: string, key: string): string {
  switch (typeof value) {
    case 'string':
      return encodeString(value)
    case 'number':
      return encodeFloat(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'bigint':
      return value.toString()
    case 'undefined':
      return 'null'
    case 'object':
      break
    default:
      throw typeError(`Object of type ${typeof value} is not JSON serializable`)
  }
  if (value === null) return 'null'
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]'
    let out = `[${encode(value[0], item, key)}`
    for (let i = 1; i < value.length; i++) out += item + encode(value[i], item, key)
    return `${out}]`
  }
  if (isPlainObject(value)) return encodeDict(value, item, key)
  if (value instanceof Double) return encodeFloat(value.value)
  if (value instanceof Int32) return String(value.value)
  if (value instanceof Long && !(value instanceof Timestamp)) return value.toString()
  if (value instanceof Date) return encodeString(pythonHttpDate(value))
  if (value instanceof PyInt) return value.value.toString()
  if (value instanceof Code) return encodeString(value.code)
  if (value instanceof BSONSymbol) return encodeString(value.value)
  throw typeError(`Object of type ${pythonTypeName(value)} is not JSON serializable`)
}

function encodeDict(value: Record<string, unknown>, item: string, key: string): string {
  const keys = Object.keys(value)
  if (keys.length > 1) {
    let sorted = true
    let plain = true
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!
      if (sorted && i > 0 && !(keys[i - 1]! < k)) sorted = false
      if (plain && !PLAIN.test(k)) plain = false
    }
    // UTF-16 order is code-point order (Python's) unless a key has a surrogate: then sort by code point.
    if (!plain) keys.sort(compareCodePoints)
    else if (!sorted) keys.sort()
  }
  let out = '{'
  let first = true
  for (const k of keys) {
    const v = value[k]
    if (v === undefined) continue
    out += (first ? '' : item) + encodeString(k) + key + encode(v, item, key)
    first = false
  }
  return `${out}}`
}

// Python's datetime covers years 1..9999; PyMongo refuses to decode a BSON date outside (InvalidBSON).
const MIN_DATETIME_MS = new Date(0).setUTCFullYear(1, 0, 1) // Date.UTC maps years 0-99 to 1900-1999
const MAX_DATETIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999)

function pythonHttpDate(date: Date): string {
  const ms = date.getTime()
  if (!(ms >= MIN_DATETIME_MS && ms <= MAX_DATETIME_MS)) {
    throw new PythonError('InvalidBSON', 'date out of the range of a Python datetime')
  }
  return httpDate(date)
}
