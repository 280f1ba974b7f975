import type { ParityCase } from '../corpus.js'

// Parity cases of GET /api/estoque/itens (route `estoque-itens-list`): the search `q` is sent to MongoDB as
// `re.escape(q)` with `$options: "i"`, so every regex character, whitespace and non-ASCII case must give
// the legacy's result.
const L = '/api/estoque/itens'
const get = (name: string, query: string, extra: Partial<ParityCase> = {}): ParityCase => ({ name: `itens: ${name}`, method: 'GET', target: `${L}${query}`, ...extra })

export const readCases: ParityCase[] = [
  get('all active items', ''),
  get('q matches codigo, case-insensitive', '?q=zzz'),
  get('q matches nome', '?q=item%20d%C3%A9cimos'),
  get('q in uppercase with accents', '?q=D%C3%89CIMOS'),
  get('q with a hyphen (escaped)', '?q=ZZZ-000'),
  get('q plus is a space', '?q=Item+emoji'),
  get('q surrounded by spaces is stripped', '?q=%20%20zzz-0001%20'),
  get('q stripped of Python-only whitespace (\\u3000, \\u0085)', '?q=%E3%80%80ZZZ%C2%85'),
  get('q of \\x1c only strips to empty → all', '?q=%1C'),
  get('q of a tab only → all', '?q=%09'),
  get('q with an inner tab → no match', '?q=Item%09emoji'),
  get('q "." is literal', '?q=.'),
  get('q ".*" is literal', '?q=.*'),
  get('q "(" would be invalid unescaped', '?q=('),
  get('q "[" would be invalid unescaped', '?q=%5B'),
  get('q backslash', '?q=%5C'),
  get('q "\\d" is a backslash and a d', '?q=%5Cd'),
  get('q with $ ^ | ? + { } # & ~', '?q=%24%5E%7C%3F%2B%7B%7D%23%26%7E'),
  get('q emoji', '?q=%F0%9F%98%80'),
  get('q with invalid UTF-8 (replacement char)', '?q=%FF'),
  get('q dotless / dotted I', '?q=%C4%B0tem'),
  get('q empty → all', '?q='),
  get('repeated q, first wins', '?q=zzz-0002&q=zzz-0001'),
  get('q[$regex] is an unrelated key', '?q%5B%24regex%5D=.*'),
  get('categoria exact', '?categoria=El%C3%A9trica'),
  get('categoria is not stripped', '?categoria=%20El%C3%A9trica'),
  get('categoria is case-sensitive', '?categoria=el%C3%A9trica'),
  get('categoria empty counts as absent', '?categoria='),
  get('categoria unknown → empty list', '?categoria=Inexistente'),
  get('categoria astral', '?categoria=%F0%9F%98%80%20Emoji'),
  get('categoria and q together', '?categoria=%EF%BC%BAenith&q=item'),
  get('categoria[$ne] is an unrelated key', '?categoria%5B%24ne%5D=x'),
  get('without session → 401', '', { anonymous: true }),
]

export const writeCases: ParityCase[] = []
