import type { ParityCase } from '../corpus.js'

// Parity cases of GET /api/estoque/itens/<item_id> (route `estoque-itens-get`): sent to the legacy app and to the gateway, whose
// answers must be byte-identical. Placeholders ({ACTIVE}, {UNKNOWN}, …) are listed in ../corpus.ts.
// readCases run against one shared database; writeCases are applied in order to twin databases.
const I = '/api/estoque/itens'
const get = (name: string, path: string, extra: Partial<ParityCase> = {}): ParityCase => ({ name: `item: ${name}`, method: 'GET', target: path, ...extra })

export const readCases: ParityCase[] = [
  get('an active item', `${I}/{ACTIVE}`),
  get('the id in uppercase hex', `${I}/{ACTIVE_UPPER}`),
  get('an inactive item is still shown', `${I}/{INACTIVE}`),
  get('an item without unidade (null)', `${I}/5e0be1000900000000000003`),
  get('fractional doubles and an astral category', `${I}/5e0be1000900000000000001`),
  get('an Int64 beyond 2^53 and missing dates', `${I}/5e0be1000900000000000005`),
  get('a valid id naming nothing → 404', `${I}/{UNKNOWN}`),
  get('not hex → 404', `${I}/xyz`),
  get('25 hex digits → 404', `${I}/{ACTIVE}0`),
  get('23 hex digits → 404', `${I}/5e0be100090000000000000`),
  get('24 characters with a space (fromhex skips it) → 404', `${I}/5e0be10009000000000%2000003`),
  get('24 fullwidth digits → 404', `${I}/${'%EF%BC%90'.repeat(24)}`),
  get('percent-encoded hex digits are decoded first', `${I}/%35e0be1000900000000000003`),
  get('invalid UTF-8 in the id → 404', `${I}/%FF%FE`),
  get('query string is ignored', `${I}/{ACTIVE}?q=x&ativo=false`),
  get('without session → 401', `${I}/{ACTIVE}`, { anonymous: true }),
  get('without session, bad id → 401 first', `${I}/xyz`, { anonymous: true }),
]

export const writeCases: ParityCase[] = []
