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
