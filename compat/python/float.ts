import { PyInt } from './json-decode.js'
import { toAsciiNumeral } from './unicode.js'

const SPACE = '[\\t\\n\\v\\f\\r ]*'
const DIGITS = '[0-9](?:_?[0-9])*'
const FLOAT_GRAMMAR = new RegExp(
  `^${SPACE}([+-]?)(?:(inf|infinity|nan)|((?:${DIGITS}(?:\\.(?:${DIGITS})?)?|\\.${DIGITS})(?:[eE][+-]?${DIGITS})?))${SPACE}$`,
  'i',
)

/** Python's `float(str)`; undefined where Python raises ValueError. Overflow gives ±Infinity, like Python. */
export function parsePythonFloatString(value: string): number | undefined {
  const match = FLOAT_GRAMMAR.exec(toAsciiNumeral(value))
  if (!match) return undefined
  const sign = match[1] === '-' ? -1 : 1
  const special = match[2]?.toLowerCase()
  if (special === 'nan') return NaN
  if (special !== undefined) return sign * Infinity
  // JS Number() rounds a decimal string correctly (round-half-even), like CPython's dtoa.
  return sign * Number(match[3]!.replace(/_/g, ''))
}

/**
 * Python's `float(x)` for a value decoded by Python's `json`: bools are 0/1, ints convert exactly rounded
 * (OverflowError past the double range), floats pass, strings parse; anything else is a TypeError.
 * Returns undefined wherever Python raises.
 */
export function pythonFloat(value: unknown): number | undefined {
  if (typeof value === 'boolean') return value ? 1 : 0
  if (value instanceof PyInt) {
    const converted = Number(value.value)
    return Number.isFinite(converted) ? converted : undefined
  }
  if (typeof value === 'number') return value
  if (typeof value === 'string') return parsePythonFloatString(value)
  return undefined
}

/**
 * Python's `repr(float)` (also `str(float)` and what `json.dumps` writes): the shortest round-tripping
 * digits, like JS, but fixed notation only for 1e-4 <= |x| < 1e16, a `.0` on whole numbers, and a two-digit
 * exponent at least (`1e-07`, `1e+16`, `1.0002000000012345e+20`). Non-finite values as Python spells them.
 */
export function pythonFloatRepr(value: number): string {
  const magnitude = value < 0 ? -value : value
  if (magnitude >= 1e-4 && magnitude < 1e16) {
    const text = String(value)
    // Fixed notation in JS too in this range; whole numbers lack the fraction Python writes.
    return text.includes('.') ? text : `${text}.0`
  }
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0'
  if (value !== value) return 'nan'
  if (magnitude === Infinity) return value > 0 ? 'inf' : '-inf'
  const text = value.toExponential() // shortest digits: "d[.ddd]e±x"
  const e = text.indexOf('e')
  const exponent = text.slice(e + 2)
  return `${text.slice(0, e + 2)}${exponent.length === 1 ? '0' : ''}${exponent}`
}
