import { toAsciiNumeral } from './unicode.js'

// CPython refuses to convert strings of more than 4300 digits (sys.int_info.default_max_str_digits).
const MAX_STR_DIGITS = 4300
// After the transform only ASCII is left; CPython skips C-locale whitespace (Py_ISSPACE) around the number.
const INT_GRAMMAR = /^[\t\n\v\f\r ]*([+-]?)([0-9](?:_?[0-9])*)[\t\n\v\f\r ]*$/

/**
 * Python's `int(value)` for a str: surrounding whitespace, an optional sign, Unicode decimal digits and
 * single underscores between digits. Returns undefined where Python raises ValueError.
 */
export function parsePythonInt(value: string): bigint | undefined {
  const match = INT_GRAMMAR.exec(toAsciiNumeral(value))
  if (!match) return undefined
  const digits = match[2]!.replace(/_/g, '')
  if (digits.length > MAX_STR_DIGITS) return undefined
  const magnitude = BigInt(digits)
  return match[1] === '-' ? -magnitude : magnitude
}

/** `request.args.get(name, default, type=int)`: any value `int()` rejects becomes the default. */
export function argInt(value: string | undefined, fallback: bigint): bigint {
  if (value === undefined) return fallback
  return parsePythonInt(value) ?? fallback
}
