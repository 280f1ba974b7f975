import { describe, expect, it } from 'vitest'
import { firstValue, parseUrlencodedStrict } from './form.js'

const parse = (text: string | number[]) => parseUrlencodedStrict(typeof text === 'string' ? Buffer.from(text, 'utf8') : Uint8Array.from(text))

describe('parseUrlencodedStrict (parse_qsl, keep_blank_values)', () => {
  it('decodes like parse_qsl', () => {
    expect(parse('email=a%40b.c&password=x+y%2B&remember=1&&flag')).toEqual([
      ['email', 'a@b.c'],
      ['password', 'x y+'],
      ['remember', '1'],
      ['flag', ''],
    ])
    expect(parse('a=%C3%A9&b=é&c=%zz&d=1=2')).toEqual([['a', 'é'], ['b', 'é'], ['c', '%zz'], ['d', '1=2']])
    expect(parse('')).toEqual([])
  })

  it('refuses what Python would decode differently: invalid UTF-8 in the bytes or in the escapes', () => {
    expect(parse([0x61, 0x3d, 0xff])).toBeNull()
    expect(parse('a=%C3')).toBeNull()
    expect(parse('a=%ff')).toBeNull()
  })

  it('firstValue takes the first of repeated names', () => {
    expect(firstValue([['a', '1'], ['a', '2']], 'a')).toBe('1')
    expect(firstValue([], 'a')).toBeUndefined()
  })
})
