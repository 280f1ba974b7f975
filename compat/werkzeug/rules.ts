/**
 * Werkzeug 3.1 rule strings (`/items/<int(min=1):item_id>`): parsing, converters, and the "parts" the state
 * machine matcher is built from (werkzeug/routing/rules.py `_parse_rule`, converters.py).
 */
import {
  PY_DIGIT_CLASS,
  PY_INT_MAX_STR_DIGITS,
  PythonUuid,
  type PythonValue,
  WERKZEUG_PATH_SAFE,
  jsReEscape,
  pyCompare,
  pyDigitsToAscii,
  pyIntValue,
  pyQuote,
  pyReEscape,
} from './python.js'

/** A converter argument after Werkzeug's `_pythonize`: Python int → bigint, Python float → number. */
export type ConverterArg = null | boolean | bigint | number | string

export type RuleSegment =
  | { type: 'slash' }
  | { type: 'static'; text: string }
  | {
      type: 'variable'
      name: string
      /** As written; `default` when the rule names none (`<item_id>`). */
      converter: string
      args: ConverterArg[]
      kwargs: Record<string, ConverterArg>
    }

export type ParsedRule = {
  rule: string
  segments: RuleSegment[]
  /** Variable names in order of appearance (a repeated name appears once). */
  variables: string[]
}

/** Raised by a converter's toPython: the rule does not match after all (Werkzeug's ValidationError). */
export class ValidationError extends Error {}

// werkzeug.routing.rules._part_re
const partRe =
  /(?:(?<slash>\/)|(?<static>[^</]+)|(?:<(?:(?<converter>[a-zA-Z_][a-zA-Z0-9_]*)(?:\((?<arguments>[^\n]*?)\))?:)?(?<variable>[a-zA-Z_][a-zA-Z0-9_]*)>))/y

// werkzeug.routing.rules._converter_args_re (\w and \d are Unicode in Python; close enough for rule text).
const W = '[\\p{L}\\p{N}_]'
const D = '\\p{Nd}'
const converterArgsRe = new RegExp(
  `\\s*((?<name>${W}+)\\s*=\\s*)?(?<value>True|False|${D}+[^\\n]${D}+|${D}+[^\\n]|${D}+|[\\p{L}\\p{N}_.]+|[urUR]?(?<stringval>"[^"]*?"|'[^']*'))\\s*,`,
  'gu',
)

/** Python `int(text)` / `float(text)` as `_pythonize` tries them. */
function pyIntLiteral(text: string): bigint | undefined {
  const m = /^\s*([+-]?)(\d(?:_?\d)*)\s*$/u.exec(pyDigitsToAscii(text))
  if (!m) return undefined
  const digits = m[2]!.replaceAll('_', '')
  if (digits.length > 1 && /^0+[1-9]/.test(digits)) return undefined // int('01') is an error
  return BigInt(`${m[1]}${digits}`)
}

function pyFloatLiteral(text: string): number | undefined {
  const t = pyDigitsToAscii(text).trim().replaceAll(/(?<=\d)_(?=\d)/g, '')
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity
  if (/^[+-]?nan$/i.test(t)) return NaN
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return undefined
  return Number(t)
}

// werkzeug.routing.rules._pythonize
function pythonize(value: string): ConverterArg {
  if (value === 'None') return null
  if (value === 'True') return true
  if (value === 'False') return false
  const asInt = pyIntLiteral(value)
  if (asInt !== undefined) return asInt
  const asFloat = pyFloatLiteral(value)
  if (asFloat !== undefined) return asFloat
  if (value.slice(0, 1) === value.slice(-1) && (value[0] === '"' || value[0] === "'")) return value.slice(1, -1)
  return value
}

/** werkzeug.routing.rules.parse_converter_args */
export function parseConverterArgs(argstr: string): { args: ConverterArg[]; kwargs: Record<string, ConverterArg> } {
  const text = `${argstr},`
  const args: ConverterArg[] = []
  const kwargs: Record<string, ConverterArg> = {}
  let position = 0
  converterArgsRe.lastIndex = 0
  for (const item of text.matchAll(converterArgsRe)) {
    if (item.index !== position) throw new Error(`Cannot parse converter argument '${text.slice(position, item.index)}'`)
    const groups = item.groups!
    const value = pythonize(groups.stringval ?? groups.value!)
    if (groups.name) kwargs[groups.name] = value
    else args.push(value)
    position = item.index + item[0].length
  }
  return { args, kwargs }
}

/** Parses a Flask/Werkzeug rule string; throws like Werkzeug on a malformed rule. */
export function parseFlaskRule(rule: string): ParsedRule {
  const segments: RuleSegment[] = []
  const variables: string[] = []
  let pos = 0
  while (pos < rule.length) {
    partRe.lastIndex = pos
    const match = partRe.exec(rule)
    if (match === null) throw new Error(`malformed url rule: '${rule}'`)
    const g = match.groups!
    if (g.static !== undefined) segments.push({ type: 'static', text: g.static })
    if (g.variable !== undefined) {
      const { args, kwargs } = parseConverterArgs(g.arguments ?? '')
      segments.push({ type: 'variable', name: g.variable, converter: g.converter ?? 'default', args, kwargs })
      if (!variables.includes(g.variable)) variables.push(g.variable)
    }
    if (g.slash !== undefined) segments.push({ type: 'slash' })
    pos = partRe.lastIndex
  }
  return { rule, segments, variables }
}

/** The OpenAPI path of a rule: `/api/estoque/itens/<item_id>` → `/api/estoque/itens/{item_id}`. */
export function toOpenApiPath(rule: string | ParsedRule): string {
  const parsed = typeof rule === 'string' ? parseFlaskRule(rule) : rule
  return parsed.segments
    .map((segment) => (segment.type === 'slash' ? '/' : segment.type === 'static' ? segment.text : `{${segment.name}}`))
    .join('')
}

// ---------------------------------------------------------------------------------------------------------
// Converters (werkzeug/routing/converters.py)

export interface Converter {
  readonly name: string
  /** Werkzeug's regex, verbatim: rule parts are compared by it when the matcher merges transitions. */
  readonly pyRegex: string
  /** The same language as a JavaScript `u`-mode regex. */
  readonly jsRegex: string
  readonly weight: number
  /** False when the regex can match `/` (path): the part then consumes the rest of the path. */
  readonly partIsolating: boolean
  toPython(value: string): PythonValue
  toUrl(value: PythonValue): string
}

function pyInt(value: ConverterArg, what: string): bigint {
  if (typeof value === 'bigint') return value
  if (typeof value === 'boolean') return value ? 1n : 0n
  if (typeof value === 'number' && Number.isFinite(value)) return BigInt(Math.trunc(value))
  if (typeof value === 'string') {
    const parsed = pyIntLiteral(value)
    if (parsed !== undefined) return parsed
  }
  throw new Error(`${what}: int() of ${String(value)} fails`)
}

function pyTruthy(value: ConverterArg): boolean {
  if (typeof value === 'bigint') return value !== 0n
  if (typeof value === 'number') return value !== 0
  if (typeof value === 'string') return value !== ''
  return Boolean(value)
}

/** Binds positional and keyword arguments like a Python signature `(name=default, ...)`. */
function bindArgs(
  converter: string,
  names: readonly string[],
  args: readonly ConverterArg[],
  kwargs: Record<string, ConverterArg>,
): Record<string, ConverterArg | undefined> {
  if (args.length > names.length) throw new Error(`converter ${converter}: too many positional arguments`)
  const bound: Record<string, ConverterArg | undefined> = {}
  names.forEach((name, i) => {
    if (i < args.length) bound[name] = args[i]
  })
  for (const [name, value] of Object.entries(kwargs)) {
    if (!names.includes(name)) throw new Error(`converter ${converter}: unexpected keyword argument '${name}'`)
    if (name in bound) throw new Error(`converter ${converter}: multiple values for argument '${name}'`)
    bound[name] = value
  }
  return bound
}

const baseToUrl = (value: PythonValue): string => pyQuote(pyStr(value), WERKZEUG_PATH_SAFE)

/** Python `str()` of the values converters produce. */
export function pyStr(value: PythonValue): string {
  if (value === null) return 'None'
  if (value === true) return 'True'
  if (value === false) return 'False'
  if (typeof value === 'number') return pyFloatRepr(value)
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'string') return value
  if (value instanceof PythonUuid) return value.value
  return JSON.stringify(value)
}

/**
 * `repr(float)`: shortest round-trip digits (the same digits as JavaScript's), Python's layout: exponent form
 * when the exponent is < -4 or >= 16, always a `.0` or a fraction otherwise.
 * Safe-integer ints are numbers too; callers that know a value is an int format it as one.
 */
export function pyFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan'
  if (value === Infinity) return 'inf'
  if (value === -Infinity) return '-inf'
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0'
  const [mantissa, exp] = value.toExponential().split('e') as [string, string]
  const exponent = Number(exp)
  const sign = mantissa.startsWith('-') ? '-' : ''
  const digits = mantissa.replace('-', '').replace('.', '')
  if (exponent < -4 || exponent >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits
    return `${sign}${m}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`
  const intPart = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0')
  const frac = digits.slice(exponent + 1)
  return `${sign}${intPart}.${frac || '0'}`
}

function unicodeConverter(name: string, args: ConverterArg[], kwargs: Record<string, ConverterArg>): Converter {
  const b = bindArgs(name, ['minlength', 'maxlength', 'length'], args, kwargs)
  let quantifier: string
  if (b.length !== undefined && b.length !== null) quantifier = `{${pyInt(b.length, name)}}`
  else {
    const min = b.minlength === undefined ? 1n : pyInt(b.minlength, name)
    const max = b.maxlength === undefined || b.maxlength === null ? '' : String(pyInt(b.maxlength, name))
    quantifier = `{${min},${max}}`
  }
  // Python accepts a negative bound in the f-string; the resulting regex is then invalid at compile time.
  if (quantifier.includes('-')) throw new Error(`converter ${name}: negative length`)
  return {
    name,
    pyRegex: `[^/]${quantifier}`,
    jsRegex: `[^/]${quantifier}`,
    weight: 100,
    partIsolating: true,
    toPython: (value) => value,
    toUrl: baseToUrl,
  }
}

function anyConverter(name: string, args: ConverterArg[], kwargs: Record<string, ConverterArg>): Converter {
  if (Object.keys(kwargs).length > 0) throw new Error(`converter ${name}: unexpected keyword argument`)
  const items = args.map((item) => {
    if (typeof item !== 'string') throw new Error(`converter ${name}: items must be strings (re.escape)`)
    return item
  })
  const set = new Set(items)
  return {
    name,
    pyRegex: `(?:${items.map(pyReEscape).join('|')})`,
    jsRegex: `(?:${items.map(jsReEscape).join('|')})`,
    weight: 100,
    partIsolating: true,
    toPython: (value) => value,
    toUrl: (value) => {
      if (typeof value === 'string' && set.has(value)) return value
      throw new Error(`'${pyStr(value)}' is not one of ${[...set].sort().map((v) => `'${v}'`).join(', ')}`)
    },
  }
}

// Python's `.` matches anything but "\n"; JavaScript's also refuses "\r", U+2028, U+2029.
const pathConverter = (name: string): Converter => ({
  name,
  pyRegex: '[^/].*?',
  jsRegex: '[^/][^\\n]*?',
  weight: 200,
  partIsolating: false,
  toPython: (value) => value,
  toUrl: baseToUrl,
})

const uuidConverter = (name: string): Converter => ({
  name,
  pyRegex: '[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}',
  jsRegex: '[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}',
  weight: 100,
  partIsolating: true,
  toPython: (value) => new PythonUuid(value.toLowerCase()),
  toUrl: (value) => pyStr(value),
})

function numberConverter(
  name: string,
  kind: 'int' | 'float',
  args: ConverterArg[],
  kwargs: Record<string, ConverterArg>,
): Converter {
  const names = kind === 'int' ? ['fixed_digits', 'min', 'max', 'signed'] : ['min', 'max', 'signed']
  const b = bindArgs(name, names, args, kwargs)
  const fixedDigits = kind === 'int' && b.fixed_digits !== undefined ? b.fixed_digits : 0n
  const fixed = pyTruthy(fixedDigits) ? Number(pyInt(fixedDigits, name)) : 0
  const bound = (value: ConverterArg | undefined): number | bigint | undefined => {
    if (value === undefined || value === null) return undefined
    if (typeof value === 'bigint' || typeof value === 'number') return value
    if (typeof value === 'boolean') return value ? 1n : 0n
    throw new Error(`converter ${name}: cannot compare with '${value}'`)
  }
  const min = bound(b.min)
  const max = bound(b.max)
  const signed = b.signed !== undefined && pyTruthy(b.signed)
  const d = `[${PY_DIGIT_CLASS}]`
  const pyBody = kind === 'int' ? '\\d+' : '\\d+\\.\\d+'
  const jsBody = kind === 'int' ? `${d}+` : `${d}+\\.${d}+`
  const convert = (value: string): number | bigint => {
    const ascii = pyDigitsToAscii(value)
    if (kind === 'float') return Number(ascii)
    if (ascii.replace('-', '').length > PY_INT_MAX_STR_DIGITS) throw new ValidationError('int: too many digits')
    return BigInt(ascii)
  }
  return {
    name,
    pyRegex: signed ? `-?${pyBody}` : pyBody,
    jsRegex: signed ? `-?${jsBody}` : jsBody,
    weight: 50,
    partIsolating: true,
    toPython: (value) => {
      if (fixed && [...value].length !== fixed) throw new ValidationError('fixed_digits')
      const number = convert(value)
      if ((min !== undefined && pyCompare(number, min) < 0) || (max !== undefined && pyCompare(number, max) > 0)) {
        throw new ValidationError('out of range')
      }
      return typeof number === 'bigint' ? pyIntValue(number) : number
    },
    toUrl: (value) => {
      if (kind === 'float') return pyFloatRepr(Number(value))
      const text = typeof value === 'number' ? String(Math.trunc(value)) : pyStr(value)
      if (!fixed) return text
      return text.startsWith('-') ? `-${text.slice(1).padStart(fixed - 1, '0')}` : text.padStart(fixed, '0')
    },
  }
}

export const builtinConverters = ['default', 'string', 'any', 'path', 'int', 'float', 'uuid'] as const

/** Instantiates a built-in converter the way `Map.converters[name](map, *args, **kwargs)` does. */
export function createConverter(
  name: string,
  args: ConverterArg[] = [],
  kwargs: Record<string, ConverterArg> = {},
): Converter {
  switch (name) {
    case 'default':
    case 'string':
      return unicodeConverter(name, args, kwargs)
    case 'any':
      return anyConverter(name, args, kwargs)
    case 'path':
      return pathConverter(name) // BaseConverter.__init__ ignores any arguments
    case 'uuid':
      return uuidConverter(name)
    case 'int':
    case 'float':
      return numberConverter(name, name, args, kwargs)
    default:
      throw new Error(`the converter '${name}' does not exist (only Werkzeug's built-in converters are implemented)`)
  }
}

// ---------------------------------------------------------------------------------------------------------
// Rule parts (werkzeug.routing.rules.Rule._parse_rule)

/** Werkzeug's `Weighting` named tuple; compared like Python tuples (lists lexicographically). */
export type Weighting = readonly [number, ReadonlyArray<readonly [number, number]>, number, readonly number[]]

export type RulePart = {
  /** Static: the literal segment. Dynamic: Werkzeug's regex source (the identity of the transition). */
  content: string
  /** Dynamic only: the same regex for JavaScript, anchored at the start; groups 1..groups are the values. */
  jsRegex?: RegExp
  /** Dynamic only: number of converter groups (a suffixed part has one more, the optional slash). */
  groups?: number
  final: boolean
  static: boolean
  suffixed: boolean
  weight: Weighting
}

function compareNumberLists(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1
  return a.length - b.length
}

export function compareWeighting(a: Weighting, b: Weighting): number {
  if (a[0] !== b[0]) return a[0] - b[0]
  for (let i = 0; i < Math.min(a[1].length, b[1].length); i++) {
    const c = compareNumberLists(a[1][i]!, b[1][i]!)
    if (c !== 0) return c
  }
  if (a[1].length !== b[1].length) return a[1].length - b[1].length
  if (a[2] !== b[2]) return a[2] - b[2]
  return compareNumberLists(a[3], b[3])
}

/** Equality of two parts as the dataclass `RulePart.__eq__` defines it (all fields). */
export function partKey(part: RulePart): string {
  return JSON.stringify([part.content, part.final, part.static, part.suffixed, part.weight])
}

/**
 * The parts of one rule string (or subdomain string) and the converters of its variables, in the order the
 * matcher yields their values (`Rule._converters` is a dict: a repeated name keeps its first position and
 * its last converter).
 */
export function ruleParts(text: string, converters: Map<string, Converter>): RulePart[] {
  const parts: RulePart[] = []
  let py = ''
  let js = ''
  let isStatic = true
  let argumentWeights: number[] = []
  let staticWeights: Array<[number, number]> = []
  let final = false
  let convertorNumber = 0
  const weighting = (): Weighting => [-staticWeights.length, staticWeights, -argumentWeights.length, argumentWeights]
  const emit = (suffixed: boolean): void => {
    const part: RulePart = { content: py, final, static: isStatic, suffixed, weight: weighting() }
    if (!isStatic) {
      part.jsRegex = new RegExp(`^(?:${js})`, 'u')
      part.groups = convertorNumber
    }
    parts.push(part)
  }

  for (const segment of parseFlaskRule(text).segments) {
    if (segment.type === 'static') {
      staticWeights.push([staticWeights.length, -segment.text.length])
      py += isStatic ? segment.text : pyReEscape(segment.text)
      js += jsReEscape(segment.text)
    } else if (segment.type === 'variable') {
      if (isStatic) py = pyReEscape(py) // the content switches to a regex
      isStatic = false
      const converter = createConverter(segment.converter, segment.args, segment.kwargs)
      converters.set(segment.name, converter)
      if (!converter.partIsolating) final = true
      py += `(?P<__werkzeug_${convertorNumber}>${converter.pyRegex})`
      js += `(${converter.jsRegex})` // converter regexes have no capturing group of their own
      convertorNumber += 1
      argumentWeights.push(converter.weight)
    } else if (final) {
      py += '/'
      js += '\\/'
    } else {
      if (!isStatic) {
        py += '\\Z'
        js += '$'
      }
      emit(false)
      py = ''
      js = ''
      isStatic = true
      argumentWeights = []
      staticWeights = []
      final = false
      convertorNumber = 0
    }
  }
  let suffixed = false
  if (final && py.endsWith('/')) {
    // A path-like converter followed by a final slash: the slash becomes optional, for the slash redirect.
    suffixed = true
    py = `${py.slice(0, -1)}(?<!/)(/?)`
    js = `${js.slice(0, -2)}(?<!\\/)(\\/?)`
  }
  if (!isStatic) {
    py += '\\Z'
    js += '$'
  }
  emit(suffixed)
  if (suffixed) parts.push({ content: '', final: false, static: true, suffixed: false, weight: weighting() })
  return parts
}
