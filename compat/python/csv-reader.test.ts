import { execFileSync } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { CsvDictReader, CsvError, CsvReader } from './csv-reader.js'
import { textLines, UnicodeDecodeError } from './text-lines.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const dir = mkdtempSync(path.join(os.tmpdir(), 'csv-reader-test-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

type Event = [string, number, unknown?]

/** The legacy importer's reading loop in Python: header, then each row with DictReader.line_num, then how it ended. */
function python(files: Buffer[]): Event[][] {
  const script = `
import sys, json, csv, io, base64
out = []
for data in json.load(sys.stdin):
    events = []
    leitor = csv.DictReader(io.TextIOWrapper(io.BytesIO(base64.b64decode(data)), encoding="utf-8-sig", newline=""))
    try:
        names = leitor.fieldnames
        events.append(["header", leitor.line_num, names])
        for linha in leitor:
            events.append(["row", leitor.line_num, [[k, v] for k, v in linha.items()]])
        events.append(["end", leitor.line_num])
    except UnicodeDecodeError:
        events.append(["unicode", leitor.line_num])
    except csv.Error as e:
        events.append(["csv", leitor.line_num, str(e)])
    out.append(events)
sys.stdout.write(json.dumps(out))`
  const input = JSON.stringify(files.map((file) => file.toString('base64')))
  return JSON.parse(execFileSync(path.join(root, '.venv/bin/python'), ['-c', script], { input, maxBuffer: 64 * 1024 * 1024 }).toString())
}

function port(file: Buffer, index: number, from: 'file' | 'memory' = 'file'): Event[] {
  const target = path.join(dir, `f${index}.csv`)
  writeFileSync(target, file)
  const fd = openSync(target, 'r')
  const events: Event[] = []
  const leitor = new CsvDictReader(new CsvReader(textLines(from === 'file' ? fd : file)))
  try {
    const names = leitor.fieldnames()
    events.push(['header', leitor.lineNum, names])
    for (let linha = leitor.next(); linha; linha = leitor.next()) events.push(['row', leitor.lineNum, [...linha.entries()]])
    events.push(['end', leitor.lineNum])
  } catch (error) {
    if (error instanceof UnicodeDecodeError) events.push(['unicode', leitor.lineNum])
    else if (error instanceof CsvError) events.push(['csv', leitor.lineNum, error.message])
    else throw error
  } finally {
    closeSync(fd)
  }
  return events
}

const PIECES = ['a', 'b,c', ',', '"', '""', '"x"', '\r', '\n', '\r\n', '\r\r\n', '\n\r', ' ', 'é', '😀', '\u0000', '\u2028', '\u0085']
const BAD = [Buffer.from([0xff]), Buffer.from([0xc3]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xef, 0xbb])]

function randomFiles(count: number): Buffer[] {
  let seed = 11
  const next = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed)
  const files: Buffer[] = []
  for (let i = 0; i < count; i++) {
    const parts: Buffer[] = []
    if (next() % 5 === 0) parts.push(Buffer.from('\ufeff'))
    // Some files cross the 8192-byte decoding chunk, where a bad byte hides the lines before it in that chunk.
    const size = next() % 4 === 0 ? 8000 + (next() % 600) : next() % 120
    let length = 0
    while (length < size) {
      const piece = Buffer.from(PIECES[next() % PIECES.length]!)
      parts.push(piece)
      length += piece.length
    }
    if (next() % 6 === 0) parts.splice(1 + (next() % parts.length), 0, BAD[next() % BAD.length]!)
    files.push(Buffer.concat(parts))
  }
  return files
}

describe('DictReader over TextIOWrapper(encoding="utf-8-sig", newline="") as the legacy importer reads', () => {
  it('gives the rows, line numbers and errors Python gives', () => {
    const files = [
      Buffer.from('h1,h2\r\na,b\r\n\r\n\r\ny,\r\n'),
      Buffer.from('h1,h2\r\nC-1,"x"\r\r\ny,,\r\n'),
      Buffer.from('h1,h2\r\nC-1,"x"\r\r\ny\r\n'),
      Buffer.from('h1,h2\r\n\r\n\r\n'),
      Buffer.from(''),
      Buffer.from('\ufeff'),
      Buffer.from([0xef, 0xbb]),
      Buffer.from('h\r\n"open'),
      Buffer.concat([Buffer.from('h\r\n' + 'x\r'.repeat(4095)), Buffer.from('\n\r\ny')]),
      ...randomFiles(300),
    ]
    const expected = python(files)
    files.forEach((file, i) => expect(port(file, i), `file ${i}: ${JSON.stringify(file.toString('latin1').slice(0, 200))}`).toEqual(expected[i]))
    // The same bytes read from memory (an upload Werkzeug would keep in a BytesIO).
    files.forEach((file, i) => expect(port(file, i, 'memory'), `file ${i} from memory`).toEqual(expected[i]))
  })
})
