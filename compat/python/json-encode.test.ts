import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { BSON, Code, Decimal128, Double, Int32, Long, ObjectId } from 'mongodb'
import { beforeAll, describe, expect, it } from 'vitest'
import { PythonError } from './errors.js'
import { pythonJsonDumps } from './json-encode.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** What Flask itself writes for each value, after a round trip through BSON and PyMongo's decoder. */
function flaskDumps(values: unknown[]): string[] {
  const input = values.map((v) => Buffer.from(BSON.serialize({ v })).toString('base64')).join('\n') + '\n'
  const output = execFileSync(path.join(root, '.venv/bin/python'), [path.join(root, 'test/support/flask-json-dumps.py')], { input, maxBuffer: 1 << 28 })
  return output.toString().trimEnd().split('\n').map((line) => (line.startsWith('!') ? line : Buffer.from(line, 'base64').toString()))
}

function ours(value: unknown): string {
  try {
    return pythonJsonDumps(value, true)
  } catch (error) {
    if (error instanceof PythonError) return `!${error.pythonType}`
    throw error
  }
}

// A deterministic generator (xorshift), so a failure is reproducible.
function random(seed: number) {
  let s = seed >>> 0 || 1
  const next = () => ((s ^= s << 13), (s ^= s >>> 17), (s ^= s << 5), (s >>> 0) / 2 ** 32)
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]! }
}

const CHARS = ['a', 'Z', ' ', '"', '\\', '/', '\n', '\t', '\b', '\f', '\r', '\u0000', '\u001f', '\u007f', 'é', 'ÿ', '\u2028', '\ud7ff', '\ue000', '\uffff', 'Ｚ', '😀', '𝟗', '中', '\u00a0']

function randomDouble(r: ReturnType<typeof random>): number {
  switch (r.int(6)) {
    case 0: {
      const bytes = new DataView(new ArrayBuffer(8))
      bytes.setUint32(0, r.int(2 ** 32))
      bytes.setUint32(4, r.int(2 ** 32))
      const value = bytes.getFloat64(0)
      return Number.isFinite(value) ? value : 0.5
    }
    case 1:
      return r.int(2_000_000) - 1_000_000
    case 2:
      return (r.int(2_000_000) - 1_000_000) / r.pick([10, 100, 1000, 3, 7])
    case 3:
      return Number(`${r.int(10) + 1}e${r.int(60) - 30}`)
    case 4:
      return r.pick([0, -0, 1e-4, 9.999999999999999e-5, 1e16, 9999999999999998, 1e15, 1e-7, 1e22, 5e-324, 1.7976931348623157e308, 0.1 + 0.2, 1.0002000000012345e20])
    default:
      return r.next() * 10 ** (r.int(40) - 20)
  }
}

function randomString(r: ReturnType<typeof random>, key = false): string {
  let text = ''
  for (let i = r.int(8); i > 0; i--) text += r.pick(CHARS)
  return key ? text.replaceAll('\u0000', '') : text // BSON keys are C strings
}

function randomValue(r: ReturnType<typeof random>, depth: number): unknown {
  switch (r.int(depth > 2 ? 8 : 10)) {
    case 0:
      return new Double(randomDouble(r))
    case 1:
      return new Int32(r.int(2 ** 32) - 2 ** 31)
    case 2:
      return Long.fromBigInt(BigInt(r.int(2 ** 32)) * BigInt(r.int(2 ** 31)) * (r.next() < 0.5 ? -1n : 1n))
    case 3:
      return randomString(r)
    case 4:
      return r.next() < 0.5
    case 5:
      return null
    case 6:
      return new Date(r.int(2 ** 31) * 1000 * (r.next() < 0.3 ? -1 : 1) + r.int(1000))
    case 7:
      return new Code(randomString(r))
    case 8:
      return Array.from({ length: r.int(4) }, () => randomValue(r, depth + 1))
    default: {
      const doc: Record<string, unknown> = {}
      for (let i = r.int(5); i > 0; i--) doc[randomString(r, true)] = randomValue(r, depth + 1)
      return doc
    }
  }
}

const EXAMPLES: [string, unknown, string][] = [
  ['a whole double', new Double(10), '10.0'],
  ['1e-07', new Double(1e-7), '1e-07'],
  ['a large double', new Double(1.0002000000012345e20), '1.0002000000012345e+20'],
  ['-0.0', new Double(-0), '-0.0'],
  ['1e22', new Double(1e22), '1e+22'],
  ['an Int64 past 2^53', Long.fromString('9007199254740993'), '9007199254740993'],
  ['keys in code-point order', { '😀': 1n, '\uffff': 2n, b: new Int32(3), a: Long.fromInt(4) }, '{"a":4,"b":3,"\\uffff":2,"\\ud83d\\ude00":1}'],
  ['a date', new Date(Date.UTC(2026, 10, 3, 4, 5, 6, 789)), '"Tue, 03 Nov 2026 04:05:06 GMT"'],
]
const UNSERIALIZABLE: [string, unknown][] = [
  ['an ObjectId', new ObjectId('5e0be1000200000000000001')],
  ['a Decimal128', Decimal128.fromString('1.5')],
  ['a date past year 9999', new Date(Date.UTC(10000, 0, 1))],
]
const NON_FINITE = [new Double(NaN), new Double(Infinity)]
// One Python process for all the fixed examples (each start costs about a second on a loaded machine).
let flask: string[] = []
beforeAll(() => {
  flask = flaskDumps([...EXAMPLES.map(([, value]) => value), ...UNSERIALIZABLE.map(([, value]) => value), ...NON_FINITE])
})

describe('pythonJsonDumps (Flask 3.1 jsonify) against Flask itself', () => {
  it('writes the same bytes for 3,000 random documents of every JSON-able BSON type', () => {
    const r = random(20261201)
    const values = Array.from({ length: 3000 }, () => randomValue(r, 0))
    const expected = flaskDumps(values)
    const differences = values.flatMap((value, i) => (ours(value) === expected[i] ? [] : [{ value: BSON.EJSON.stringify({ v: value }), flask: expected[i], gateway: ours(value) }]))
    expect(differences.slice(0, 5)).toEqual([])
  })

  it.each(EXAMPLES.map((example, i) => [...example, i] as const))('%s', (_, value, text, i) => {
    expect(ours(value)).toBe(text)
    expect(flask[i]).toBe(text)
  })

  it.each(UNSERIALIZABLE.map((example, i) => [...example, EXAMPLES.length + i] as const))('raises like Flask on %s', (_, value, i) => {
    expect(flask[i]).toMatch(/^!/)
    expect(ours(value)).toMatch(/^!/)
  })

  it('writes null for non-finite floats (Flask writes NaN/Infinity, which is not JSON)', () => {
    expect(flask.slice(-2)).toEqual(['NaN', 'Infinity'])
    expect([ours(new Double(NaN)), ours(Infinity), ours(-Infinity)]).toEqual(['null', 'null', 'null'])
  })

  it('uses Python default separators when not compact', () => {
    expect(pythonJsonDumps({ erro: 'Erro interno', b: [1n, 2n] }, false)).toBe('{"b": [1, 2], "erro": "Erro interno"}')
    // The same keys once more, compact: the encoded keys kept per shape carry their own separator.
    expect(pythonJsonDumps({ erro: 'Erro interno', b: [1n, 2n] }, true)).toBe('{"b":[1,2],"erro":"Erro interno"}')
  })

  it('writes the same bytes for many documents of one shape, keys unsorted, escaped and past U+FFFF', () => {
    const r = random(20261203)
    const keys = ['zeta', '😀', 'a"b', '\uffff', 'é', '_id', 'A', 'line\nbreak']
    const values = Array.from({ length: 300 }, () => Object.fromEntries(keys.map((k) => [k, randomValue(r, 2)])))
    const expected = flaskDumps(values)
    expect(values.map(ours)).toEqual(expected)
  })

  it('tells apart keys that join to the same text (a key may hold U+0000)', () => {
    expect(ours({ 'a\u0000b': 1n, c: 2n })).toBe('{"a\\u0000b":1,"c":2}')
    expect(ours({ a: 1n, 'b\u0000c': 2n })).toBe('{"a":1,"b\\u0000c":2}')
    expect(ours({ 'a\u0000b': 3n, c: 4n })).toBe('{"a\\u0000b":3,"c":4}')
  })
})
