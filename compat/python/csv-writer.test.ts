import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { csvRow } from './csv-writer.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** What Python's csv.writer writes for each row of strings. */
function python(rows: string[][]): string {
  const script = 'import sys, json, csv, io\nb = io.StringIO()\nw = csv.writer(b)\nfor r in json.load(sys.stdin): w.writerow(r)\nsys.stdout.write(json.dumps(b.getvalue()))'
  return JSON.parse(execFileSync(path.join(root, '.venv/bin/python'), ['-c', script], { input: JSON.stringify(rows) }).toString())
}

const PIECES = ['', 'a', ' ', ',', '"', '""', '\r', '\n', '\r\n', "'", ';', '\t', 'é', '😀', '\u2028', '\u0085', '\u0000', 'x y', '#']

describe('csv.writer rows (excel dialect)', () => {
  it('matches Python for fields built from every awkward piece', () => {
    const rows: string[][] = []
    let seed = 7
    const next = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed)
    for (let i = 0; i < 400; i++) {
      const row: string[] = []
      const width = 2 + (next() % 8)
      for (let f = 0; f < width; f++) {
        let text = ''
        for (let k = next() % 4; k > 0; k--) text += PIECES[next() % PIECES.length]
        row.push(text)
      }
      rows.push(row)
    }
    expect(rows.map(csvRow).join('')).toBe(python(rows))
  })
})
