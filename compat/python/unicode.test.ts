import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { isPythonSpace, pythonLower, pythonStrip } from './unicode.js'

// Differential: the legacy app's own interpreter (.venv, CPython 3.11) answers, not a table in this file.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
function python(script: string, input: unknown): unknown {
  return JSON.parse(execFileSync(path.join(root, '.venv/bin/python'), ['-c', script], { input: JSON.stringify(input), maxBuffer: 64 * 1024 * 1024 }).toString())
}
const everyCodePoint = () => {
  const all: number[] = []
  for (let codePoint = 0; codePoint < 0x110000; codePoint++) if (codePoint < 0xd800 || codePoint > 0xdfff) all.push(codePoint)
  return all
}

const TRICKY = [
  '  DEMO@Estoque.Local ',
  '\u00a0demo@estoque.local\u00a0',
  '\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200aDemo@X\u3000',
  '\x1c\x1d\x1e\x1fdemo@x\x85',
  '\u1680\u2028\u2029\u202f\u205fa@b\t\n\v\f\r',
  '\u200bdemo@x\u200b', // zero-width space is not whitespace for Python
  '\ufeffdemo@x', // nor is the BOM
  '\u180edemo@x', // Mongolian vowel separator: not whitespace since Unicode 6.3
  'İSTANBUL@X.TR', // İ lowers to i + combining dot (two code points)
  'ΟΔΟΣ@X.GR', // final sigma
  'ΣΑ ΑΣ Σ ΑΣ.Σ', // sigma in every position
  'ǅǄǆ ᾈ ẞ Ω K Å',
  'ＤＥＭＯ＠ＥＳＴＯＱＵＥ', // fullwidth
  '𐐀𐐁@𞤀', // astral capitals (Deseret, Adlam)
  '\u1c89\ua7cb\ua7dc\u{10d50}\u{16ea0}', // capitals newer than Python 3.11's Unicode 14.0
  'AΣ\u{10d50}', // a sigma next to one of them
  '',
  '   ',
]

describe('pythonStrip / pythonLower against CPython 3.11', () => {
  it('isPythonSpace is str.isspace() for every code point', () => {
    const spaces = python('import json,sys; print(json.dumps([c for c in range(0x110000) if chr(c).isspace()]))', null) as number[]
    expect(everyCodePoint().filter(isPythonSpace)).toEqual(spaces)
  })

  it('pythonLower is str.lower() for every single code point', () => {
    const lowered = python(
      'import json,sys; print(json.dumps({c: chr(c).lower() for c in range(0x110000) if not 0xd800 <= c <= 0xdfff and chr(c).lower() != chr(c)}))',
      null,
    ) as Record<string, string>
    const differences = everyCodePoint().filter((codePoint) => {
      const char = String.fromCodePoint(codePoint)
      return pythonLower(char) !== (lowered[codePoint] ?? char)
    })
    expect(differences).toEqual([])
  })

  it('strip(), lower() and strip().lower() agree on tricky strings (context-dependent casing included)', () => {
    const expected = python(
      'import json,sys; print(json.dumps([[s.strip(), s.lower(), s.strip().lower()] for s in json.load(sys.stdin)]))',
      TRICKY,
    )
    expect(TRICKY.map((text) => [pythonStrip(text), pythonLower(text), pythonLower(pythonStrip(text))])).toEqual(expected)
  })
})
