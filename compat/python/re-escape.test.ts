import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { pythonReEscape } from './re-escape.js'

const PYTHON = path.resolve(import.meta.dirname, '../../.venv/bin/python')

const samples = [
  '', 'abc', 'a.b', 'C++ (v2)', '50% off', 'a-b_c', '[x]{1,2}?', '^start$', 'back\\slash', 'a|b', 'tab\there',
  'new\nline\r\v\f', 'hash # and ~ & space', 'ção Ünïcödé', '😀.*', '"quote\'', '/slash/', ':;<=>!@`', '\u0085\u00a0',
]

describe('pythonReEscape', () => {
  it('escapes exactly the characters re.escape escapes', () => {
    expect(pythonReEscape('a.b*c')).toBe('a\\.b\\*c')
    expect(pythonReEscape('x y')).toBe('x\\ y')
    expect(pythonReEscape('ção_1')).toBe('ção_1')
    expect(pythonReEscape('😀+')).toBe('😀\\+')
  })

  it('agrees with the real re.escape on every sample and every ASCII character', () => {
    const all = [...samples, Array.from({ length: 128 }, (_, i) => String.fromCharCode(i)).join('')]
    const script = 'import json, re, sys\nprint(json.dumps([re.escape(s) for s in json.load(sys.stdin)]))'
    const expected = JSON.parse(execFileSync(PYTHON, ['-c', script], { input: JSON.stringify(all) }).toString()) as string[]
    expect(all.map(pythonReEscape)).toEqual(expected)
  })
})
