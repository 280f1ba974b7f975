import { describe, expect, it } from 'vitest'
import { httpDate, isoDay } from './werkzeug/http-date.js'
import { parseArgs, rawQueryOf } from './werkzeug/query-string.js'
import { parseYmd } from './python/strptime.js'
import { compareCodePoints, pythonLength, pythonStrip } from './python/unicode.js'

describe('parseYmd (strptime %Y-%m-%d)', () => {
  it.each([
    ['2026-11-03', '2026-11-03'], ['2026-1-5', '2026-01-05'], ['2026-01- 5', '2026-01-05'], ['٢٠٢٦-01-1٣', '2026-01-13'],
    ['2024-02-29', '2024-02-29'], ['0001-01-01', '0001-01-01'], ['2026-1-1٣', '2026-01-13'],
  ])('%j → %s', (text, day) => expect(isoDay(parseYmd(text)!)).toBe(day))

  it.each(['2026-02-30', '2025-02-29', '2026-13-01', '2026-00-10', '0000-01-01', '2026-01-32', ' 2026-01-01', '2026-01-01 ', '26-01-01', '2026/01/01', '2026-١-01', '٢٠٢٦-٠١-١٣', '2026-01-٣', '2026-01-01T00', ''])(
    '%j is refused',
    (text) => expect(parseYmd(text)).toBeUndefined(),
  )
})

describe('httpDate (Flask datetime serialization)', () => {
  it('formats in GMT and drops milliseconds', () => {
    expect(httpDate(new Date(Date.UTC(2026, 10, 3, 4, 5, 6, 999)))).toBe('Tue, 03 Nov 2026 04:05:06 GMT')
  })
  it('pads years to four digits', () => {
    const date = new Date(0)
    date.setUTCFullYear(5, 0, 1)
    expect(httpDate(date)).toBe('Sat, 01 Jan 0005 00:00:00 GMT')
  })
})

describe('parseArgs (Werkzeug request.args)', () => {
  it('keeps the first value and treats keys as flat strings', () => {
    const args = parseArgs('a=1&a=2&item%5B%24ne%5D=x&item[$gt]=y&flag&=z')
    expect(args.get('a')).toBe('1')
    expect(args.get('item[$ne]')).toBe('x')
    expect(args.get('item[$gt]')).toBe('y')
    expect(args.get('flag')).toBe('')
    expect(args.get('')).toBe('z')
  })
  it('decodes + as space and leaves invalid escapes and bytes percent-encoded', () => {
    const args = parseArgs('a=Sem+categoria&b=%2B2&c=%FF%C3&d=%zz&e=%C3%A9&f=%E2%82')
    expect([...args.values()]).toEqual(['Sem categoria', '+2', '%FF%C3', '%zz', 'é', '%E2%82'])
  })
  it('takes the raw query of a request target', () => {
    expect(rawQueryOf('/api/x?a=1&b=2')).toBe('a=1&b=2')
    expect(rawQueryOf('/api/x')).toBe('')
  })
})

describe('Python str helpers', () => {
  it('strip() removes Python whitespace, not the BOM', () => {
    expect(pythonStrip('\u001c\u0085 ok \u3000')).toBe('ok')
    expect(pythonStrip('\ufeffok')).toBe('\ufeffok')
  })
  it('len() counts code points', () => expect(pythonLength('😀a')).toBe(2))
  it('sorts by code point, not UTF-16 unit', () => {
    expect(compareCodePoints('😀', 'Ｚ')).toBe(1)
    expect(['😀', 'Ｚ', 'a'].sort(compareCodePoints)).toEqual(['a', 'Ｚ', '😀'])
  })
})
