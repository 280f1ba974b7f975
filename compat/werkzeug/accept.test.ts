import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { acceptEncodingsContain } from './accept.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

const HEADERS = [
  '', 'gzip', 'GZIP', 'gzip;q=0', '*;q=0', '*', 'identity', 'br', 'br, gzip', 'br, gzip ;q=0.2', 'gzip;q=1.5', 'gzip;q=-0',
  'gzip;q=1.', 'gzip;q=.5', 'gzip;q=0.5;x=1', 'gzip; x=1', 'gzip;', 'gzip ; ', '"gzip"', '"gzip', 'gzip;q="0.5"', 'gzip;Q=0.5',
  'gzip;q=0.5 ', 'gzip;q=abc', 'deflate, gzip;q=1.0, *;q=0.5', 'x-gzip', 'gzip, ', ',gzip', 'gzip;q=1;q=2', 'gzip;x*0=a;x*1=b',
  'gzip;q*=utf-8\'\'0', 'gzip;=1', 'gzip;"q"=1', 'gz ip', 'gzip\t', '\tgzip;q=0.001', 'identity;q=1, *;q=0', 'gzip;q=٠',
  'a, "b,gzip", c', 'gzip;q=0.5;q', 'gzip;x="a\\"b"', 'gzip;x="unclosed', 'compress;q=0.5, gzip;q=1.0',
]

/** What Werkzeug 3.1 itself answers for `"gzip" in parse_accept_header(h)`. */
function werkzeug(headers: string[]): boolean[] {
  const script = 'import sys, json\nfrom werkzeug.http import parse_accept_header\nprint(json.dumps(["gzip" in parse_accept_header(h) for h in json.load(sys.stdin)]))'
  return JSON.parse(execFileSync(path.join(root, '.venv/bin/python'), ['-c', script], { input: JSON.stringify(headers) }).toString())
}

describe('"gzip" in request.accept_encodings', () => {
  it('agrees with Werkzeug on every header of the table', () => {
    const expected = werkzeug(HEADERS)
    expect(HEADERS.map((h) => [h, acceptEncodingsContain(h, 'gzip')])).toEqual(HEADERS.map((h, i) => [h, expected[i]]))
  })

  it('counts gzip;q=0 and *;q=0 as accepted, as Werkzeug does', () => {
    expect(acceptEncodingsContain('gzip;q=0', 'gzip')).toBe(true)
    expect(acceptEncodingsContain('*;q=0', 'gzip')).toBe(true)
    expect(acceptEncodingsContain(undefined, 'gzip')).toBe(false)
  })
})
