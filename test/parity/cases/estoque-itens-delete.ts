import type { ParityCase } from '../corpus.js'

// Parity cases of DELETE /api/estoque/itens/<item_id> (route `estoque-itens-delete`), applied in order to
// twin databases. The legacy view never reads the body.
const del = (name: string, id: string, extra: Partial<ParityCase> = {}): ParityCase => ({
  name: `excluir item: ${name}`,
  method: 'DELETE',
  target: `/api/estoque/itens/${id}`,
  ...extra,
})

export const readCases: ParityCase[] = []

export const writeCases: ParityCase[] = [
  del('an active item → ok', '5e0be1000900000000000002'),
  del('again: already inactive → ok', '5e0be1000900000000000002'),
  del('an inactive item → ok', '{INACTIVE}'),
  del('uppercase id', '5E0BE1000900000000000004'),
  del('unknown id → 404', '{UNKNOWN}'),
  del('not hex → 404', 'xyz'),
  del('25 hex digits → 404', '{ACTIVE}0'),
  del('a body is ignored, whatever its type', '5e0be1000900000000000003', { headers: { 'content-type': 'text/plain' }, body: 'not json' }),
  del('without session → 401', '{ACTIVE}', { anonymous: true }),
]
