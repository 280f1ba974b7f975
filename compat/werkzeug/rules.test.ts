import { describe, expect, it } from 'vitest'
import { PythonUuid } from './python.js'
import { ValidationError, compareWeighting, createConverter, parseConverterArgs, parseFlaskRule, pyFloatRepr, ruleParts, toOpenApiPath } from './rules.js'

describe('parseFlaskRule', () => {
  it('splits a rule into slashes, static text and variables with their converters', () => {
    const parsed = parseFlaskRule('/api/estoque/itens/<item_id>/v<int(min=1):version>.<any(json, "x,y"):fmt>')
    expect(parsed.variables).toEqual(['item_id', 'version', 'fmt'])
    expect(parsed.segments).toEqual([
      { type: 'slash' }, { type: 'static', text: 'api' }, { type: 'slash' }, { type: 'static', text: 'estoque' },
      { type: 'slash' }, { type: 'static', text: 'itens' }, { type: 'slash' },
      { type: 'variable', name: 'item_id', converter: 'default', args: [], kwargs: {} },
      { type: 'slash' }, { type: 'static', text: 'v' },
      { type: 'variable', name: 'version', converter: 'int', args: [], kwargs: { min: 1n } },
      { type: 'static', text: '.' },
      { type: 'variable', name: 'fmt', converter: 'any', args: ['json', 'x,y'], kwargs: {} },
    ])
  })

  it('refuses what Werkzeug refuses', () => {
    expect(() => parseFlaskRule('/a/<1bad>')).toThrow(/malformed url rule/)
    expect(() => parseFlaskRule('/a/<int:>')).toThrow(/malformed url rule/)
    expect(() => parseConverterArgs('min=-1')).toThrow(/Cannot parse converter argument/)
  })

  it('gives the OpenAPI path', () => {
    expect(toOpenApiPath('/api/estoque/itens/<item_id>')).toBe('/api/estoque/itens/{item_id}')
    expect(toOpenApiPath('/static/<path:filename>')).toBe('/static/{filename}')
  })
})

describe('parseConverterArgs (_pythonize)', () => {
  it('reads Python literals', () => {
    expect(parseConverterArgs('1, 2.5, True, None, "a b", \'c\', name, length=3')).toEqual({
      args: [1n, 2.5, true, null, 'a b', 'c', 'name'],
      kwargs: { length: 3n },
    })
    expect(parseConverterArgs('1.').args).toEqual([1])
  })
})

describe('converters', () => {
  it('string lengths count code points', () => {
    const two = new RegExp(`^(?:${createConverter('string', [], { length: 2n }).jsRegex})$`, 'u')
    expect(two.test('é\u{1F600}')).toBe(true)
    expect(two.test('abc')).toBe(false)
    expect(createConverter('default').pyRegex).toBe('[^/]{1,}')
    expect(createConverter('string', [], { minlength: 3n, maxlength: 5n }).pyRegex).toBe('[^/]{3,5}')
  })

  it('int: Python digits, fixed_digits, bounds, the 4300-digit limit, bigints', () => {
    const int = createConverter('int')
    const re = new RegExp(`^(?:${int.jsRegex})$`, 'u')
    expect(re.test('٣')).toBe(true)
    expect(re.test('-1')).toBe(false)
    expect(int.toPython('٣')).toBe(3)
    expect(int.toPython('007')).toBe(7)
    expect(int.toPython('123456789012345678901234567890')).toBe(123456789012345678901234567890n)
    expect(() => int.toPython('1'.repeat(4301))).toThrow(ValidationError)
    expect(() => createConverter('int', [], { fixed_digits: 4n }).toPython('123')).toThrow(ValidationError)
    const range = createConverter('int', [], { min: 1n, max: 100n })
    expect(() => range.toPython('0')).toThrow(ValidationError)
    expect(range.toPython('100')).toBe(100)
    expect(createConverter('int', [], { signed: true }).pyRegex).toBe('-?\\d+')
    expect(createConverter('int', [], { fixed_digits: 4n }).toUrl(7)).toBe('0007')
  })

  it('float and uuid values', () => {
    expect(createConverter('float').toPython('١.٥')).toBe(1.5)
    expect(createConverter('float').toPython(`${'9'.repeat(400)}.0`)).toBe(Infinity)
    expect(createConverter('uuid').toPython('ABCDEF01-2345-6789-ABCD-EF0123456789')).toEqual(new PythonUuid('abcdef01-2345-6789-abcd-ef0123456789'))
  })

  it('path does not cross a newline (Python `.`), but does cross \\r', () => {
    const re = new RegExp(`^(?:${createConverter('path').jsRegex})$`, 'u')
    expect(re.test('a/b\rc')).toBe(true)
    expect(re.test('a\nb')).toBe(false)
  })
})

describe('rule parts and weights (Rule._parse_rule)', () => {
  it('static parts are literal, dynamic ones Werkzeug regexes', () => {
    const parts = ruleParts('/zoo/v<int:version>/items', new Map())
    expect(parts.map((p) => [p.content, p.static])).toEqual([
      ['', true], ['zoo', true], ['v(?P<__werkzeug_0>\\d+)\\Z', false], ['items', true],
    ])
  })

  it('a path converter makes the part final; a trailing slash after it becomes optional', () => {
    const parts = ruleParts('/tail/<path:p>/', new Map())
    expect(parts.at(-2)).toMatchObject({ content: '(?P<__werkzeug_0>[^/].*?)(?<!/)(/?)\\Z', final: true, suffixed: true })
    expect(parts.at(-1)).toMatchObject({ content: '', static: true })
  })

  it('orders converters like Werkzeug: int (50) before string (100) before path (200)', () => {
    const weight = (rule: string) => ruleParts(rule, new Map()).at(-1)!.weight
    expect(compareWeighting(weight('/<int:a>'), weight('/<a>'))).toBeLessThan(0)
    expect(compareWeighting(weight('/<a>'), weight('/<path:a>'))).toBeLessThan(0)
    // more static chunks first
    expect(compareWeighting(weight('/v<a>'), weight('/<a>'))).toBeLessThan(0)
  })
})

describe('pyFloatRepr', () => {
  it('formats like repr(float)', () => {
    expect([1.5, 1e16, 1e15, 0.0001, 0.00001, -0, 3, Infinity, 123456789012345680000].map(pyFloatRepr)).toEqual([
      '1.5', '1e+16', '1000000000000000.0', '0.0001', '1e-05', '-0.0', '3.0', 'inf', '1.2345678901234568e+20',
    ])
  })
})
