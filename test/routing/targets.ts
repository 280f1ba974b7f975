/**
 * Deterministic raw request targets for the routing differential test: for every rule of a url map, its
 * spellings — percent-encoding (upper/lower hex, slashes, non-ASCII, invalid UTF-8), case, repeated and
 * trailing slashes, dot segments, `;params`, queries and fragments, absolute-form, converter edge values —
 * crossed with every method. Targets are "one character per byte" strings (latin-1), like Node's req.url.
 */
import { parseFlaskRule, type RuleSegment } from '../../compat/werkzeug/index.js'

/** mulberry32: small, fast, seedable. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']
// Methods Node's parser knows beyond the usual ones, and some it refuses (filtered out by the Node check).
// CONNECT is left out: Node hands it to the server's 'connect' event, never to the request handler.
export const ODD_METHODS = ['TRACE', 'PROPFIND', 'PURGE', 'M-SEARCH', 'QUERY', 'SEARCH', 'MKCOL', 'LOCK', 'FOO', 'get', 'GeT']
export const HOSTS = ['estoque.test', 'Estoque.Test:80', '127.0.0.1:8000', 'gw.example:8443']

const OBJECT_IDS = ['0123456789abcdef01234567', '507F1F77BCF86CD799439011', '65a1b2c3d4e5f60718293a4b']
const STRING_VALUES = [
  'abc', ...OBJECT_IDS, 'ação', 'a b', 'x%2Fy', 'x%2fy', '..', '.', '%2e%2e', '%00', 'a;b', '~user', 'a%0Ab', 'Ω',
  '%C3%A9', '%ff', '%E2%82', 'ab', 'a', 'abcde', 'abcdef', '\u{1F600}', '١٢', 'a+b', "it's", 'x.csv', 'a:b', '@',
]
const INT_VALUES = [
  '0', '7', '42', '007', '0000', '1234', '-1', '-0', '+1', '100', '101', '12345', '123456789012345678901234567890',
  '٣', '١٢', '３', '9007199254740993', '-9007199254740993', '1_0', '1.0', '', ' 1', '0x1', '1e3', '9'.repeat(4300),
]
const FLOAT_VALUES = [
  '1.5', '0.0', '-1.5', '1.', '.5', '1e5', '١.٥', '10.25', '2.5', '2.50', '3.0', '-0.0', '0.1', '100.000001',
  '12345678901234567.0', '0.00001', `${'9'.repeat(400)}.0`, '1', '-2', '1.5e3',
]
const UUID_VALUES = [
  '12345678-1234-5678-1234-567812345678', 'ABCDEF01-2345-6789-ABCD-EF0123456789', 'aBcDeF01-2345-6789-abCD-ef0123456789',
  '12345678123456781234567812345678', '{12345678-1234-5678-1234-567812345678}', '12345678-1234-5678-1234-56781234567',
]
const ANY_VALUES = ['a', 'b', 'c.d', 'x-y', 'A', 'cxd', 'ab', '', 'c%2Ed', 'x%2dy']
const PATH_VALUES = ['a', 'a/b/c.js', 'a//b', '../etc/passwd', 'a/', 'a/edit', '', 'é/ü', 'a%0Ab', 'a%0Db', 'x/y/edit', '/abs', 'a/%2e%2e/b', 'styles.css']

function valuesFor(segment: Extract<RuleSegment, { type: 'variable' }>): string[] {
  switch (segment.converter) {
    case 'int':
      return INT_VALUES
    case 'float':
      return FLOAT_VALUES
    case 'uuid':
      return UUID_VALUES
    case 'any':
      return ANY_VALUES
    case 'path':
      return PATH_VALUES
    default:
      return STRING_VALUES
  }
}

const HEX = '0123456789ABCDEF'
/** Bytes of `text` as a target: printable ASCII kept (so `%` escapes written above stay), the rest %XX. */
export function encodeTarget(text: string, lower = false): string {
  let out = ''
  for (const byte of Buffer.from(text, 'utf8')) {
    if (byte >= 0x21 && byte <= 0x7e) out += String.fromCharCode(byte)
    else {
      const hex = `%${HEX[byte >> 4]}${HEX[byte & 15]}`
      out += lower ? hex.toLowerCase() : hex
    }
  }
  return out
}

type Mutation = (target: string, pick: <T>(items: readonly T[]) => T, random: () => number) => string

const pctHex = (code: number, lower: boolean) => {
  const hex = `%${HEX[code >> 4]}${HEX[code & 15]}`
  return lower ? hex.toLowerCase() : hex
}

function splitQuery(target: string): [string, string] {
  const at = target.search(/[?#]/)
  return at < 0 ? [target, ''] : [target.slice(0, at), target.slice(at)]
}

function atRandomIndex(path: string, random: () => number, test: (ch: string) => boolean): number {
  const candidates = [...path].map((ch, i) => (test(ch) ? i : -1)).filter((i) => i >= 0)
  return candidates.length === 0 ? -1 : candidates[Math.floor(random() * candidates.length)]!
}

const onPath =
  (change: (path: string, pick: <T>(items: readonly T[]) => T, random: () => number) => string): Mutation =>
  (target, pick, random) => {
    const [path, rest] = splitQuery(target)
    return change(path, pick, random) + rest
  }

const MUTATIONS: Mutation[] = [
  // percent-encode one character (any byte may be encoded), upper or lower hex
  onPath((path, _pick, random) => {
    const i = atRandomIndex(path, random, (ch) => ch !== '%')
    if (i < 0) return path
    return path.slice(0, i) + pctHex(path.charCodeAt(i), random() < 0.5) + path.slice(i + 1)
  }),
  // change the case of a letter
  onPath((path, _pick, random) => {
    const i = atRandomIndex(path, random, (ch) => /[a-zA-Z]/.test(ch))
    if (i < 0) return path
    const ch = path[i]!
    return path.slice(0, i) + (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase()) + path.slice(i + 1)
  }),
  // repeat a slash
  onPath((path, pick, random) => {
    const i = atRandomIndex(path, random, (ch) => ch === '/')
    return i < 0 ? path : path.slice(0, i) + pick(['/', '//', '///']) + path.slice(i)
  }),
  // trailing slash added or removed
  onPath((path) => (path.endsWith('/') ? path.slice(0, -1) : `${path}/`)),
  // leading slashes
  onPath((path, pick) => pick(['/', '//', '///']) + path),
  // dot segments, plain or encoded
  onPath((path, pick, random) => {
    const i = atRandomIndex(path, random, (ch) => ch === '/')
    return i < 0 ? path : path.slice(0, i) + pick(['/.', '/..', '/%2e', '/%2E%2E', '/.%2e', '/%2e.', '/...']) + path.slice(i)
  }),
  // ;params on a segment
  onPath((path, pick, random) => {
    const i = atRandomIndex(path, random, (ch) => ch === '/')
    const param = pick([';', ';jsessionid=1', ';a=b;c', '%3Bx'])
    return i <= 0 ? `${path}${param}` : path.slice(0, i) + param + path.slice(i)
  }),
  // query strings and fragments
  (target, pick) => target + pick(['?', '?a=1', '?x=%2F&y', '?a=1&a=2', '?#', '#frag', '?a=1#b', '?q=%C3%A9', '??', '?a=/b/../c']),
  // an encoded slash instead of a slash
  onPath((path, pick, random) => {
    const i = atRandomIndex(path, random, (ch) => ch === '/')
    return i <= 0 ? path : path.slice(0, i) + pick(['%2F', '%2f', '%5C', '\\']) + path.slice(i + 1)
  }),
  // raw non-ASCII or control bytes (Node or gunicorn refuse them)
  onPath((path, pick, random) => {
    const i = Math.floor(random() * (path.length + 1))
    return path.slice(0, i) + pick(['\u00e9', '\u00ff', '\u0080', '\t', ' ', '\u007f', '"', '<', '>', '^', '`', '{', '|', '}']) + path.slice(i)
  }),
  // invalid or unusual UTF-8, encoded
  onPath((path, pick, random) => {
    const i = atRandomIndex(path, random, (ch) => ch === '/')
    const bytes = pick(['%FF', '%C3', '%C3%28', '%ED%A0%80', '%EF%BB%BF', '%F0%9F%98%80', '%E2%82%AC', '%c0%af', '%80', '%F4%90%80%80'])
    return i < 0 ? path + bytes : path.slice(0, i + 1) + bytes + path.slice(i + 1)
  }),
  // encoded newlines, NUL, tabs
  onPath((path, pick, random) => {
    const i = Math.floor(random() * (path.length + 1))
    return path.slice(0, i) + pick(['%0A', '%0a', '%0D', '%09', '%00', '%20', '%E2%80%A8']) + path.slice(i)
  }),
  // absolute-form and lookalikes
  (target, pick) =>
    pick(['http://gw.test', 'https://GW.TEST:8443', 'HTTP://x', 'foo+bar.baz-1://h', 'http://[::1]:80', 'http://[::1', 'http://[bad]', '1http://x', 'http://u@h', 'http:'])
    + target,
  // a broken percent escape
  onPath((path, pick, random) => {
    const i = Math.floor(random() * (path.length + 1))
    return path.slice(0, i) + pick(['%', '%4', '%zz', '%%41', '%2']) + path.slice(i)
  }),
  // a very long segment (gunicorn's request line limit is 4094 bytes)
  onPath((path, pick) => `${path}/${'x'.repeat(pick([10, 4000, 4070, 4080, 4100]))}`),
]

export const FIXED_TARGETS = ['*', '/', '//', '/..', '/%2e%2e/', 'http://h', 'http://h?x=1', 'http://h/', 'x', '/?', '/#', '/.', '/%2F', '/;', '/%', '?x', '#x']

export type GeneratedRequest = { method: string; target: string; host: string }

/**
 * `perRule` requests for every rule: a sample value per variable (from the converter's edge values), then
 * 0–3 mutations; the method is one of the rule's methods half of the time.
 */
export function generateRequests(rules: ReadonlyArray<{ rule: string; methods: readonly string[] | null }>, seed: number, perRule: number): GeneratedRequest[] {
  const random = prng(seed)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
  const requests: GeneratedRequest[] = []
  const allMethods = [...METHODS, ...METHODS, ...ODD_METHODS]
  for (const rule of rules) {
    const parsed = parseFlaskRule(rule.rule)
    for (let n = 0; n < perRule; n++) {
      let target = ''
      for (const segment of parsed.segments) {
        if (segment.type === 'slash') target += '/'
        else if (segment.type === 'static') target += encodeTarget(segment.text, random() < 0.3)
        else target += encodeTarget(pick(valuesFor(segment)), random() < 0.3)
      }
      const count = n === 0 ? 0 : Math.floor(random() * 4)
      for (let m = 0; m < count; m++) target = pick(MUTATIONS)(target, pick, random)
      const method = rule.methods && random() < 0.5 ? pick(rule.methods) : pick(allMethods)
      requests.push({ method, target, host: pick(HOSTS) })
    }
  }
  for (const target of FIXED_TARGETS) for (const method of [...METHODS, 'TRACE']) requests.push({ method, target, host: pick(HOSTS) })
  return requests
}
