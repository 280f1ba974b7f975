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

// `ensure_ascii` JSON strings: printable ASCII other than `"` and `\` as is, Python's short escapes for
// `"`, `\`, \b \f \n \r \t, and every other UTF-16 code unit as \uXXXX in lowercase hex (an astral character
// as its two surrogates, as Python writes it).
const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' }
const ESCAPES = Array.from({ length: 0x80 }, (_, unit) => SHORT_ESCAPES[String.fromCharCode(unit)] ?? (unit >= 0x20 && unit < 0x7f ? '' : unicodeEscape(unit)))

function unicodeEscape(unit: number): string {
  return `\\u${unit.toString(16).padStart(4, '0')}`
}

function encodeString(value: string): string {
  let out = '"'
  let start = 0
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i)
    if (unit < 0x80) {
      const escape = ESCAPES[unit]!
      if (escape === '') continue
      out += value.slice(start, i) + escape
    } else out += value.slice(start, i) + unicodeEscape(unit)
    start = i + 1
  }
  return start === 0 ? `"${value}"` : `${out}${value.slice(start)}"`
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
  // The types data is made of, by their exact prototype (cheaper than a chain of instanceof); anything else below.
  const proto: unknown = Object.getPrototypeOf(value)
  if (proto === Object.prototype) return encodeDict(value as Record<string, unknown>, item, key)
  if (proto === Array.prototype) return encodeList(value as unknown[], item, key)
  if (proto === Double.prototype) return encodeFloat((value as Double).value)
  if (proto === Int32.prototype) return String((value as Int32).value)
  if (proto === Date.prototype) return encodeString(pythonHttpDate(value as Date))
  return encodeOther(value, item, key)
}

function encodeList(value: unknown[], item: string, key: string): string {
  if (value.length === 0) return '[]'
  let out = `[${encode(value[0], item, key)}`
  for (let i = 1; i < value.length; i++) out += item + encode(value[i], item, key)
  return `${out}]`
}

function encodeOther(value: object, item: string, key: string): string {
  if (Array.isArray(value)) return encodeList(value, item, key)
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

/** A set of keys in the order an object lists them, and what sort_keys writes for them. */
type Shape = { keys: string[]; key: string; sorted: string[]; prefixes: string[] }

// Objects built by the same code have the same keys in the same order: their sorted order and encoded keys are
// worked out once per shape. Bounded: past MAX_SHAPES, or for objects with many or long keys, each is sorted anew.
const MAX_SHAPES = 512
const MAX_SHAPE_KEYS = 64
const MAX_SHAPE_ID_LENGTH = 2048
const shapes = new Map<string, Shape>()

// The last shape seen: a list of objects from one builder hits it without building the id.
let lastShape: Shape | undefined

function shapeOf(keys: string[], key: string): Shape {
  if (lastShape && lastShape.key === key && sameKeys(lastShape.keys, keys)) return lastShape
  lastShape = findShape(keys, key)
  return lastShape
}

function findShape(keys: string[], key: string): Shape {
  if (keys.length > MAX_SHAPE_KEYS) return makeShape(keys, key)
  const id = `${key}\u0000${keys.join('\u0000')}`
  let shape = shapes.get(id)
  // A key may itself contain U+0000, so the id alone is not proof: the keys are compared too.
  if (shape && sameKeys(shape.keys, keys)) return shape
  shape = makeShape(keys, key)
  if (!shapes.has(id) && shapes.size < MAX_SHAPES && id.length <= MAX_SHAPE_ID_LENGTH) shapes.set(id, shape)
  return shape
}

function makeShape(keys: string[], key: string): Shape {
  // UTF-16 order is code-point order (Python's) unless a key has a surrogate, hence the comparator.
  const sorted = [...keys].sort(compareCodePoints)
  return { keys, key, sorted, prefixes: sorted.map((k) => encodeString(k) + key) }
}

function sameKeys(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

function encodeDict(value: Record<string, unknown>, item: string, key: string): string {
  const { sorted, prefixes } = shapeOf(Object.keys(value), key)
  let out = '{'
  let first = true
  for (let i = 0; i < sorted.length; i++) {
    const v = value[sorted[i]!]
    if (v === undefined) continue
    out += (first ? '' : item) + prefixes[i]! + encode(v, item, key)
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
