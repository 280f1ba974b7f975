import { Code, Decimal128, Double, Int32, Long, ObjectId, Timestamp, BSONSymbol } from 'mongodb'
import { PythonError, overflowError, typeError } from './errors.js'
import { pythonFloatRepr } from './float.js'
import { PyInt } from './json-decode.js'
import { compareCodePoints } from './unicode.js'

/**
 * Python values as the gateway holds them, read from MongoDB with `promoteValues: false` so a double is
 * known from an int:
 *   float: a JS number or a BSON `Double`;   int: a bigint, `Int32`, `Long` (or a decoded `PyInt`);
 *   bool: a boolean (a Python int subclass: `True + 1 == 2`);   str: a string (`Code` and symbols are str too);
 *   None: null;   datetime: a Date;   list: an array;   dict: a plain object;   anything else stays opaque
 *   (`Decimal128` is `bson.Decimal128`, not a number: arithmetic and ordering raise TypeError in Python).
 * A computed int is always a bigint and a computed float a number, so the JSON encoder tells them apart.
 */
export type PyNumber = boolean | bigint | number

/** The value as a Python int/float/bool, or undefined when Python would not treat it as a number. */
export function toPyNumber(value: unknown): PyNumber | undefined {
  switch (typeof value) {
    case 'number':
    case 'bigint':
    case 'boolean':
      return value
    case 'object':
      if (value instanceof Double) return value.value
      if (value instanceof Int32) return BigInt(value.value)
      if (value instanceof Long) return value instanceof Timestamp ? undefined : value.toBigInt()
      if (value instanceof PyInt) return value.value
      return undefined
    default:
      return undefined
  }
}

/** Python's type name of a value (for error messages). */
export function pythonTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType'
  if (typeof value === 'number' || value instanceof Double) return 'float'
  if (typeof value === 'bigint' || value instanceof Int32 || value instanceof PyInt) return 'int'
  if (value instanceof Timestamp) return 'Timestamp'
  if (value instanceof Long) return 'Int64'
  if (typeof value === 'boolean') return 'bool'
  if (typeof value === 'string') return 'str'
  if (Array.isArray(value)) return 'list'
  if (value instanceof Date) return 'datetime'
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) return 'dict'
  return (value as { _bsontype?: string })._bsontype ?? typeof value
}

function numberOrRaise(value: unknown, op: string, other: unknown, left: boolean): PyNumber {
  const number = toPyNumber(value)
  if (number === undefined) {
    const [a, b] = left ? [value, other] : [other, value]
    throw typeError(`unsupported operand type(s) for ${op}: '${pythonTypeName(a)}' and '${pythonTypeName(b)}'`)
  }
  return number
}

const asBigInt = (value: bigint | boolean): bigint => (typeof value === 'boolean' ? (value ? 1n : 0n) : value)

/** `float(int)`: correctly rounded (JS `Number(bigint)` rounds half to even, like CPython); OverflowError past the double range. */
export function intToFloat(value: bigint): number {
  const converted = Number(value)
  if (converted === Infinity || converted === -Infinity) throw overflowError('int too large to convert to float')
  return converted
}

function asFloat(value: PyNumber): number {
  if (typeof value === 'number') return value
  if (typeof value === 'boolean') return value ? 1 : 0
  return intToFloat(value)
}

function arithmetic(a: unknown, b: unknown, op: '+' | '-'): PyNumber {
  // Fast paths: float op float (every stored quantity the legacy app writes is a double), float op Int32.
  const x = typeof a === 'number' ? a : a instanceof Double ? a.value : numberOrRaise(a, op, b, true)
  if (typeof x === 'number' && b instanceof Int32) return op === '+' ? x + b.value : x - b.value
  const y = typeof b === 'number' ? b : b instanceof Double ? b.value : numberOrRaise(b, op, a, false)
  if (typeof x === 'number' || typeof y === 'number') {
    const fx = asFloat(x)
    const fy = asFloat(y)
    return op === '+' ? fx + fy : fx - fy
  }
  return op === '+' ? asBigInt(x) + asBigInt(y) : asBigInt(x) - asBigInt(y)
}

/** Python's `a + b` on numbers (exact ints of any size, int + float promotes); TypeError on anything else. */
export const pyAdd = (a: unknown, b: unknown): PyNumber => arithmetic(a, b, '+')
/** Python's `a - b` on numbers. */
export const pySub = (a: unknown, b: unknown): PyNumber => arithmetic(a, b, '-')

/** Python's `float(x)` for a number (OverflowError for an int past the double range). */
export function pyFloat(value: unknown): number {
  const number = toPyNumber(value)
  if (number === undefined) throw typeError(`float() argument must be a string or a real number, not '${pythonTypeName(value)}'`)
  return asFloat(number)
}

/** -1, 0, 1, or NaN (unordered: a NaN operand) — exact, also between an int beyond 2^53 and a float. */
function compareNumbers(x: PyNumber, y: PyNumber): number {
  if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : x > y ? 1 : x === y ? 0 : NaN
  if (typeof x !== 'number' && typeof y !== 'number') {
    const bx = asBigInt(x)
    const by = asBigInt(y)
    return bx < by ? -1 : bx > by ? 1 : 0
  }
  return typeof x === 'number' ? -compareIntFloat(asBigInt(y as bigint | boolean), x) : compareIntFloat(asBigInt(x), y as number)
}

function compareIntFloat(i: bigint, f: number): number {
  if (f !== f) return NaN
  if (f === Infinity) return -1
  if (f === -Infinity) return 1
  const floor = Math.floor(f)
  const whole = BigInt(floor)
  if (i < whole) return -1
  if (i > whole) return 1 // i >= floor + 1 > f
  return floor === f ? 0 : -1
}

/** A str in Python's eyes: str, and bson's `Code` and symbol (both decoded as str subclasses). */
function asPyStr(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (value instanceof Code) return value.code
  if (value instanceof BSONSymbol) return value.value
  return undefined
}

/** Python's `a < b` for the values MongoDB documents hold; TypeError where Python has no ordering. */
export function pyLess(a: unknown, b: unknown): boolean {
  return pyCompare(a, b, '<') < 0
}

/**
 * The ordering Python's `<` gives (negative: a < b; NaN for unordered numbers, which are never less),
 * raising TypeError for pairs Python cannot order. `sorted()` only ever uses `<`.
 */
export function pyCompare(a: unknown, b: unknown, op = '<'): number {
  if (typeof a === 'string' && typeof b === 'string') return a === b ? 0 : compareCodePoints(a, b)
  const x = toPyNumber(a)
  const y = toPyNumber(b)
  if (x !== undefined && y !== undefined) return compareNumbers(x, y)
  const sa = asPyStr(a)
  const sb = asPyStr(b)
  if (sa !== undefined && sb !== undefined) return compareCodePoints(sa, sb)
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime()
  if (a instanceof ObjectId && b instanceof ObjectId) return Buffer.compare(a.id, b.id)
  if (Array.isArray(a) && Array.isArray(b)) {
    // Lists: the first pair that is not equal decides, else the shorter list is less.
    const n = Math.min(a.length, b.length)
    for (let i = 0; i < n; i++) if (!pyEquals(a[i], b[i])) return pyCompare(a[i], b[i], op)
    return a.length - b.length
  }
  throw typeError(`'${op}' not supported between instances of '${pythonTypeName(a)}' and '${pythonTypeName(b)}'`)
}

/** Python's `a == b` for the values MongoDB documents hold (1 == 1.0 == True; no str/number equality). */
export function pyEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true
  const x = toPyNumber(a)
  const y = toPyNumber(b)
  if (x !== undefined || y !== undefined) return x !== undefined && y !== undefined && compareNumbers(x, y) === 0
  // bson's Code equals only a Code (same code and scope); a symbol decodes as a plain str.
  if (a instanceof Code || b instanceof Code) {
    return a instanceof Code && b instanceof Code && a.code === b.code && pyEquals(a.scope ?? null, b.scope ?? null)
  }
  const sa = asPyStr(a)
  const sb = asPyStr(b)
  if (sa !== undefined || sb !== undefined) return sa === sb
  if (a === null || b === null || a === undefined || b === undefined) return false
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime()
  if (a instanceof ObjectId && b instanceof ObjectId) return a.equals(b)
  if (a instanceof Decimal128 && b instanceof Decimal128) return Buffer.compare(a.bytes, b.bytes) === 0
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => pyEquals(v, b[i]))
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a)
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && pyEquals(a[k], b[k]))
  }
  return false
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype
}

let nanIdentity = 0

/**
 * A string equal for exactly the values Python's dict treats as the same key (`hash` + `==`: 1, 1.0 and
 * True are one key; each NaN object is its own); TypeError for unhashable values (list, dict, Decimal128).
 */
export function pyHashKey(value: unknown): string {
  if (typeof value === 'string') return `s${value}`
  const number = toPyNumber(value)
  if (number !== undefined) {
    if (typeof number !== 'number') return `n${asBigInt(number)}`
    if (number !== number) return `nan${nanIdentity++}`
    if (Number.isInteger(number)) return `n${BigInt(number)}`
    return `f${number}`
  }
  if (value instanceof BSONSymbol) return `s${value.value}`
  if (value === null || value === undefined) return 'None'
  if (value instanceof Date) return `d${value.getTime()}`
  if (value instanceof ObjectId) return `o${value.toHexString()}`
  if (Array.isArray(value) || isPlainObject(value) || value instanceof Decimal128 || value instanceof Code) {
    throw typeError(`unhashable type: '${pythonTypeName(value)}'`)
  }
  throw new PythonError('NotImplemented', `the gateway does not group by a ${pythonTypeName(value)}`)
}

/** Python's `str(value)` for the scalar values an id field may hold. */
export function pyStr(value: unknown): string {
  if (value instanceof ObjectId) return value.toHexString()
  const str = asPyStr(value)
  if (str !== undefined) return str
  if (value === null || value === undefined) return 'None'
  if (typeof value === 'boolean') return value ? 'True' : 'False'
  const number = toPyNumber(value)
  if (number !== undefined) return typeof number === 'number' ? pythonFloatRepr(number) : String(number)
  if (value instanceof Date) return naiveDatetimeStr(value)
  if (value instanceof Decimal128) return value.toString()
  throw new PythonError('NotImplemented', `the gateway does not write str() of a ${pythonTypeName(value)}`)
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/** `str(datetime)` of a naive datetime as PyMongo decodes a BSON date (milliseconds become microseconds). */
function naiveDatetimeStr(date: Date): string {
  const base =
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`
  const ms = date.getUTCMilliseconds()
  return ms === 0 ? base : `${base}.${pad(ms, 3)}000`
}
