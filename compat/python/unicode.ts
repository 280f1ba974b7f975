// Character classes as CPython 3.11 (Unicode 14.0, the legacy app's runtime) defines them. Generated from
// `unicodedata` in the legacy app's venv, so they do not drift with Node's newer ICU tables.

/** The "0" of every run of ten Unicode decimal digits (category Nd); `\d` in Python `re` and `int()` accept them. */
const DIGIT_ZEROS = [
  0x30, 0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66, 0xde6, 0xe50, 0xed0,
  0xf20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90, 0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620,
  0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10, 0x104a0, 0x10d30, 0x11066, 0x110f0, 0x11136, 0x111d0,
  0x112f0, 0x11450, 0x114d0, 0x11650, 0x116c0, 0x11730, 0x118e0, 0x11950, 0x11c50, 0x11d50, 0x11da0, 0x16a60,
  0x16ac0, 0x16b50, 0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6, 0x1e140, 0x1e2f0, 0x1e950, 0x1fbf0,
]

/** `str.isspace()` in CPython: what `strip()`, `int()` and `float()` treat as whitespace. */
const WHITESPACE = new Set([
  0x9, 0xa, 0xb, 0xc, 0xd, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003,
  0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
])

/** The decimal value of a Unicode decimal digit, or -1. */
export function decimalValue(codePoint: number): number {
  for (const zero of DIGIT_ZEROS) {
    if (codePoint >= zero && codePoint < zero + 10) return codePoint - zero
  }
  return -1
}

export function isPythonSpace(codePoint: number): boolean {
  return WHITESPACE.has(codePoint)
}

/** Python's `str.strip()` without arguments. */
export function pythonStrip(value: string): string {
  const chars = [...value]
  let start = 0
  let end = chars.length
  while (start < end && isPythonSpace(chars[start]!.codePointAt(0)!)) start++
  while (end > start && isPythonSpace(chars[end - 1]!.codePointAt(0)!)) end--
  return chars.slice(start, end).join('')
}

/**
 * Code points Node's newer Unicode tables lower-case but CPython 3.11 (Unicode 14.0) leaves alone: capitals
 * added in Unicode 15-17. Listed by compat/python/unicode.test.ts's differential run over every code point.
 */
const NOT_LOWERED_BY_PYTHON = /([\u{1c89}\u{a7cb}\u{a7cc}\u{a7ce}\u{a7d2}\u{a7d4}\u{a7da}\u{a7dc}\u{10d50}-\u{10d65}\u{16ea0}-\u{16eb8}])/u

/**
 * Python's `str.lower()`: full Unicode lower-casing (`İ` becomes `i̇`, a final `Σ` becomes `ς`), as CPython
 * 3.11 does it. JavaScript's `toLowerCase()` is the same algorithm (locale-independent, special casing and
 * Final_Sigma included) on newer tables, so the characters those tables added are kept as they are.
 */
export function pythonLower(value: string): string {
  if (!NOT_LOWERED_BY_PYTHON.test(value)) return value.toLowerCase()
  return value
    .split(NOT_LOWERED_BY_PYTHON)
    .map((piece, index) => (index % 2 === 1 ? piece : piece.toLowerCase()))
    .join('')
}

/** Python's `len(str)`: code points (a lone surrogate counts as one, like in Python). */
export function pythonLength(value: string): number {
  let length = 0
  for (const _ of value) length++
  return length
}

/**
 * CPython's `_PyUnicode_TransformDecimalAndSpaceToASCII`, used by `int()` and `float()` on strings: decimal
 * digits become ASCII digits, whitespace becomes a space, any other non-ASCII character becomes `?` (invalid).
 */
export function toAsciiNumeral(value: string): string {
  let out = ''
  for (const char of value) {
    const codePoint = char.codePointAt(0)!
    if (codePoint < 0x80) out += char
    else if (isPythonSpace(codePoint)) out += ' '
    else {
      const digit = decimalValue(codePoint)
      out += digit === -1 ? '?' : String(digit)
    }
  }
  return out
}

/** Code-point order (Python's `sorted()` on str, MongoDB's binary UTF-8 order), unlike JS's UTF-16 `<`. */
export function compareCodePoints(a: string, b: string): number {
  // UTF-16 order is code-point order except where a surrogate meets a code unit >= U+E000.
  const n = a.length < b.length ? a.length : b.length
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x === y) continue
    if (x < 0xd800 || y < 0xd800) return x - y
    return compareByCodePoint(a.slice(i > 0 ? i - 1 : 0), b.slice(i > 0 ? i - 1 : 0))
  }
  return a.length - b.length
}

function compareByCodePoint(a: string, b: string): number {
  const left = a[Symbol.iterator]()
  const right = b[Symbol.iterator]()
  for (;;) {
    const x = left.next()
    const y = right.next()
    if (x.done) return y.done ? 0 : -1
    if (y.done) return 1
    const cx = x.value.codePointAt(0)!
    const cy = y.value.codePointAt(0)!
    if (cx !== cy) return cx < cy ? -1 : 1
  }
}

/** A regex character class (for the `u` flag) matching exactly Python's `\d`. */
export const PYTHON_DIGIT_CLASS = `[${DIGIT_ZEROS.map((zero) => `\\u{${zero.toString(16)}}-\\u{${(zero + 9).toString(16)}}`).join('')}]`
