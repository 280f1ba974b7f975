// A JSON decoder with the semantics of CPython's `json.loads(bytes)` (what Flask's `request.get_json()` runs),
// because JavaScript's JSON.parse differs where the contract can see it: Python accepts NaN/Infinity, keeps
// integers exact (so `-0` is the integer 0, not -0.0), refuses integers over 4300 digits, and detects UTF-16/32.

/** A JSON integer as Python decodes it: an exact int, distinct from a float. */
export class PyInt {
  constructor(readonly value: bigint) {}
}

export type PyJson = null | boolean | number | string | PyInt | PyJson[] | { [key: string]: PyJson }

export class PyJsonError extends Error {}

const MAX_INT_DIGITS = 4300
const MAX_DEPTH = 900

/** Decodes a request body like `json.loads(body)`; throws PyJsonError where Python raises ValueError. */
export function parsePythonJson(body: Uint8Array): PyJson {
  const text = decodeJsonBytes(body)
  const parser = new Parser(text)
  parser.skipSpace()
  const value = parser.value(0)
  parser.skipSpace()
  if (parser.pos !== text.length) throw new PyJsonError('Extra data')
  return value
}

function decodeJsonBytes(b: Uint8Array): string {
  const starts = (...bytes: number[]) => bytes.every((byte, i) => b[i] === byte)
  let encoding: string
  if (starts(0x00, 0x00, 0xfe, 0xff) || starts(0xff, 0xfe, 0x00, 0x00)) encoding = 'utf-32'
  else if (starts(0xfe, 0xff) || starts(0xff, 0xfe)) encoding = 'utf-16'
  else if (starts(0xef, 0xbb, 0xbf)) encoding = 'utf-8-sig'
  else if (b.length >= 4 && !b[0]) encoding = b[1] ? 'utf-16be' : 'utf-32be'
  else if (b.length >= 4 && !b[1]) encoding = b[2] || b[3] ? 'utf-16le' : 'utf-32le'
  else if (b.length === 2 && !b[0]) encoding = 'utf-16be'
  else if (b.length === 2 && !b[1]) encoding = 'utf-16le'
  else encoding = 'utf-8'
  try {
    switch (encoding) {
      case 'utf-8':
        return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(b)
      case 'utf-8-sig':
        return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(b.subarray(3))
      case 'utf-16':
        return new TextDecoder(b[0] === 0xff ? 'utf-16le' : 'utf-16be', { fatal: true, ignoreBOM: true }).decode(b.subarray(2))
      case 'utf-16le':
      case 'utf-16be':
        return new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(b)
      case 'utf-32':
        return decodeUtf32(b.subarray(4), b[0] === 0xff)
      default:
        return decodeUtf32(b, encoding === 'utf-32le')
    }
  } catch (error) {
    if (error instanceof PyJsonError) throw error
    throw new PyJsonError(`cannot decode body as ${encoding}`)
  }
}

function decodeUtf32(b: Uint8Array, littleEndian: boolean): string {
  if (b.length % 4 !== 0) throw new PyJsonError('truncated utf-32')
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength)
  let out = ''
  for (let i = 0; i < b.length; i += 4) {
    const codePoint = view.getUint32(i, littleEndian)
    if (codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) throw new PyJsonError('bad utf-32')
    out += String.fromCodePoint(codePoint)
  }
  return out
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }
const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/y

class Parser {
  pos = 0
  constructor(private readonly s: string) {}

  skipSpace(): void {
    while (this.pos < this.s.length && ' \t\n\r'.includes(this.s[this.pos]!)) this.pos++
  }

  private fail(what: string): never {
    throw new PyJsonError(`${what} at char ${this.pos}`)
  }

  private literal(word: string): boolean {
    if (this.s.startsWith(word, this.pos)) {
      this.pos += word.length
      return true
    }
    return false
  }

  value(depth: number): PyJson {
    if (depth > MAX_DEPTH) this.fail('too deep')
    const char = this.s[this.pos]
    if (char === '"') return this.string()
    if (char === '{') return this.object(depth)
    if (char === '[') return this.array(depth)
    if (this.literal('null')) return null
    if (this.literal('true')) return true
    if (this.literal('false')) return false
    if (this.literal('NaN')) return NaN
    if (this.literal('Infinity')) return Infinity
    if (this.literal('-Infinity')) return -Infinity
    return this.number()
  }

  private number(): PyJson {
    NUMBER.lastIndex = this.pos
    const match = NUMBER.exec(this.s)
    if (!match) this.fail('Expecting value')
    this.pos += match[0].length
    if (match[1] !== undefined || match[2] !== undefined) return Number(match[0])
    const digits = match[0].replace('-', '')
    if (digits.length > MAX_INT_DIGITS) this.fail('Exceeds the limit for integer string conversion')
    return new PyInt(BigInt(match[0]))
  }

  private string(): string {
    this.pos++ // opening quote
    let out = ''
    for (;;) {
      const char = this.s[this.pos]
      if (char === undefined) this.fail('Unterminated string')
      if (char === '"') {
        this.pos++
        return out
      }
      if (char.charCodeAt(0) < 0x20) this.fail('Invalid control character')
      if (char !== '\\') {
        out += char
        this.pos++
        continue
      }
      const escape = this.s[this.pos + 1]
      if (escape === undefined) this.fail('Unterminated string')
      if (escape !== 'u') {
        const mapped = ESCAPES[escape]
        if (mapped === undefined) this.fail('Invalid \\escape')
        out += mapped
        this.pos += 2
        continue
      }
      let unit = this.hex4(this.pos + 2)
      this.pos += 6
      if (unit >= 0xd800 && unit <= 0xdbff && this.s.startsWith('\\u', this.pos)) {
        const low = this.hex4(this.pos + 2)
        if (low >= 0xdc00 && low <= 0xdfff) {
          unit = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00)
          this.pos += 6
        }
      }
      out += String.fromCodePoint(unit)
    }
  }

  private hex4(at: number): number {
    const hex = this.s.slice(at, at + 4)
    if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('Invalid \\uXXXX escape')
    return parseInt(hex, 16)
  }

  private object(depth: number): { [key: string]: PyJson } {
    const out: { [key: string]: PyJson } = Object.create(null)
    this.pos++
    this.skipSpace()
    if (this.s[this.pos] === '}') {
      this.pos++
      return out
    }
    for (;;) {
      if (this.s[this.pos] !== '"') this.fail('Expecting property name enclosed in double quotes')
      const key = this.string()
      this.skipSpace()
      if (this.s[this.pos] !== ':') this.fail("Expecting ':' delimiter")
      this.pos++
      this.skipSpace()
      out[key] = this.value(depth + 1)
      this.skipSpace()
      const next = this.s[this.pos]
      this.pos++
      if (next === '}') return out
      if (next !== ',') this.fail("Expecting ',' delimiter")
      this.skipSpace()
    }
  }

  private array(depth: number): PyJson[] {
    const out: PyJson[] = []
    this.pos++
    this.skipSpace()
    if (this.s[this.pos] === ']') {
      this.pos++
      return out
    }
    for (;;) {
      out.push(this.value(depth + 1))
      this.skipSpace()
      const next = this.s[this.pos]
      this.pos++
      if (next === ']') return out
      if (next !== ',') this.fail("Expecting ',' delimiter")
      this.skipSpace()
    }
  }
}

/** `isinstance(value, dict)`. */
export function isPyObject(value: PyJson): value is { [key: string]: PyJson } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof PyInt)
}
