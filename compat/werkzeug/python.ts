/**
 * The few pieces of Python's standard library that Werkzeug's routing and gunicorn's request parsing rely
 * on, with Python's exact behaviour: `urllib.parse.quote`/`unquote_to_bytes`, `bytes.decode('utf-8',
 * 'replace')`, `re.escape`, Unicode decimal digits (`\d`, `int()`), `int()`'s digit limit.
 */
import { pythonDigitZeros } from './python-digits.js'

/** A `uuid.UUID` as Werkzeug's uuid converter returns it; `value` is `str(uuid)` (lowercase, hyphenated). */
export class PythonUuid {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value
  }
  toJSON(): string {
    return this.value
  }
}

/**
 * A Python value from a converter or a rule's defaults: `str` → string; `int` → number when it is a safe
 * integer, bigint beyond (Python ints have no size limit); `float` → number; `uuid.UUID` → PythonUuid.
 */
export type PythonValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | PythonUuid
  | readonly PythonValue[]
  | { readonly [key: string]: PythonValue }

// urllib.parse: always-safe characters of quote().
const ALWAYS_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~'
const HEX = '0123456789ABCDEF'
const utf8 = new TextEncoder()
// ignoreBOM: Python's 'utf-8' codec keeps a leading U+FEFF; the replacement policy (one U+FFFD per maximal
// invalid subpart) is the same as Python's.
const utf8Replace = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true })

const safeTables = new Map<string, Uint8Array>()

/** `urllib.parse.quote(value, safe)`: UTF-8, then every byte not safe as `%XX` (upper-case hex). */
export function pyQuote(value: string, safe: string): string {
  let keep = safeTables.get(safe)
  if (!keep) {
    keep = new Uint8Array(256)
    for (const ch of ALWAYS_SAFE + safe) keep[ch.charCodeAt(0)] = 1
    safeTables.set(safe, keep)
  }
  let i = 0
  while (i < value.length && value.charCodeAt(i) < 128 && keep[value.charCodeAt(i)]) i++
  if (i === value.length) return value
  let out = value.slice(0, i)
  for (const byte of utf8.encode(value.slice(i))) {
    out += keep[byte] ? String.fromCharCode(byte) : `%${HEX[byte >> 4]}${HEX[byte & 15]}`
  }
  return out
}

/** The `safe` set Werkzeug quotes redirect paths and built URLs with (URL path segment string). */
export const WERKZEUG_PATH_SAFE = "!$&'()*+,/:;=@"

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30
  if (code >= 0x41 && code <= 0x46) return code - 0x37
  if (code >= 0x61 && code <= 0x66) return code - 0x57
  return -1
}

/**
 * `urllib.parse.unquote_to_bytes(value).decode('latin-1')` for an ASCII `value`: each valid `%XX` becomes the
 * character U+00XX (a WSGI "bytes as latin-1" string); invalid escapes stay as they are.
 */
export function unquoteToLatin1(value: string): string {
  if (!value.includes('%')) return value
  let out = ''
  let i = 0
  while (i < value.length) {
    const ch = value.charCodeAt(i)
    if (ch === 0x25 && i + 2 < value.length) {
      const hi = hexValue(value.charCodeAt(i + 1))
      const lo = hexValue(value.charCodeAt(i + 2))
      if (hi >= 0 && lo >= 0) {
        out += String.fromCharCode(hi * 16 + lo)
        i += 3
        continue
      }
    }
    out += value[i]
    i += 1
  }
  return out
}

/** `s.encode('latin1').decode('utf-8', errors='replace')` (Werkzeug's `_wsgi_decoding_dance`). */
export function wsgiDecode(latin1: string): string {
  // Pure ASCII decodes to itself; most paths take this branch.
  if (!/[^\x00-\x7f]/.test(latin1)) return latin1
  return utf8Replace.decode(Buffer.from(latin1, 'latin1'))
}

/** Python 3.7+ `re.escape`: escapes only the characters special in a pattern. */
export function pyReEscape(value: string): string {
  return value.replace(/[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g, (ch) => `\\${ch}`)
}

/** Escapes a literal for a JavaScript `u`-mode regular expression. */
export function jsReEscape(value: string): string {
  return value.replace(/[\\^$.*+?()[\]{}|/]/g, (ch) => `\\${ch}`)
}

/** A JavaScript (`u` flag) character class body matching exactly what Python's `\d` matches. */
export const PY_DIGIT_CLASS = pythonDigitZeros
  .map((zero) => `\\u{${zero.toString(16)}}-\\u{${(zero + 9).toString(16)}}`)
  .join('')

const digitZeroSorted = [...pythonDigitZeros].sort((a, b) => a - b)

/** The value 0–9 of a Python decimal digit code point, or -1. */
export function pyDigitValue(codePoint: number): number {
  if (codePoint >= 0x30 && codePoint <= 0x39) return codePoint - 0x30
  let lo = 0
  let hi = digitZeroSorted.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const zero = digitZeroSorted[mid]!
    if (codePoint < zero) hi = mid - 1
    else if (codePoint > zero + 9) lo = mid + 1
    else return codePoint - zero
  }
  return -1
}

/** Python digits (any script) to ASCII, as `int()`/`float()` do before converting; other characters kept. */
export function pyDigitsToAscii(value: string): string {
  if (!/[^\x00-\x7f]/.test(value)) return value
  let out = ''
  for (const ch of value) {
    const digit = pyDigitValue(ch.codePointAt(0)!)
    out += digit >= 0 ? String(digit) : ch
  }
  return out
}

/** `sys.int_info.default_max_str_digits`: `int(str)` refuses more digits than this (ValueError). */
export const PY_INT_MAX_STR_DIGITS = 4300

/** A Python int as the router represents it: number when safe, bigint beyond. */
export function pyIntValue(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value
}

/** Python's comparison of two real numbers (int as number/bigint, float as number). */
export function pyCompare(a: number | bigint, b: number | bigint): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0
  // Mixed: exact comparison (Python compares int and float exactly, not by rounding the int).
  const [big, num, sign] = typeof a === 'bigint' ? [a, b as number, 1] : [b as bigint, a as number, -1]
  if (Number.isNaN(num)) return 0
  if (num === Infinity) return -sign
  if (num === -Infinity) return sign
  const floor = BigInt(Math.floor(num))
  if (big < floor) return -sign
  if (big > floor) return sign
  return num > Math.floor(num) ? -sign : 0
}
