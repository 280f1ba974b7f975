import { z } from '@hono/zod-openapi'
import type { Document } from 'mongodb'
import { pyStr } from '../../compat/python/number.js'
import { field, get } from './stock-line-json.js'

/**
 * `item_json()` of the legacy util.py, written down once: each field, how the legacy reads it (`str(item[k])`,
 * `item[k]` — KeyError when absent — or `item.get(k)`) and its OpenAPI shape. The serializer and the schema
 * below are both derived from this list, so they cannot drift apart.
 */
const ITEM_FIELDS = {
  _id: { read: 'str', schema: z.string().openapi({ example: '65f1c0ffee0000000000abcd' }) },
  codigo: { read: 'required', schema: z.string().openapi({ example: 'ELE-0001' }) },
  nome: { read: 'required', schema: z.string() },
  categoria: { read: 'optional', schema: z.string().nullable() },
  subcategoria: { read: 'optional', schema: z.string().nullable() },
  unidade: { read: 'optional', schema: z.enum(['un', 'kg', 'm', 'l', 'cx']).nullable() },
  quantidade: { read: 'required', schema: z.number() },
  estoque_minimo: { read: 'required', schema: z.number() },
  ativo: { read: 'optional', schema: z.boolean().nullable() },
  criado_em: { read: 'optional', schema: httpDate() },
  atualizado_em: { read: 'optional', schema: httpDate() },
} as const satisfies Record<string, { read: 'str' | 'required' | 'optional'; schema: z.ZodType }>

function httpDate() {
  return z.string().nullable().openapi({ description: 'HTTP-date in GMT, to the second', example: 'Mon, 23 Nov 2026 14:05:00 GMT' })
}

type ItemFieldName = keyof typeof ITEM_FIELDS
const NAMES = Object.keys(ITEM_FIELDS) as ItemFieldName[]

/** The projection that reads exactly what `itemJson` shows. */
export const ITEM_PROJECTION: Record<ItemFieldName, 1> = Object.fromEntries(NAMES.map((name) => [name, 1])) as Record<ItemFieldName, 1>

// Each field with how the legacy reads it, as pairs for the loop below.
const READS = NAMES.map((name) => [name, ITEM_FIELDS[name].read] as const)

/**
 * One item as the legacy API shows it. Values stay as read (`promoteValues: false`): an int is written as an
 * int, a double as a float, a date as an http-date; a missing `codigo`, `nome`, `quantidade` or
 * `estoque_minimo` raises KeyError as in Python (→ the legacy 500).
 */
export function itemJson(item: Document): Record<ItemFieldName, unknown> {
  const out = {} as Record<ItemFieldName, unknown>
  for (const [name, read] of READS) out[name] = read === 'str' ? pyStr(field(item, name)) : read === 'required' ? field(item, name) : get(item, name)
  return out
}

export const ItemSchema = z
  .object(Object.fromEntries(NAMES.map((name) => [name, ITEM_FIELDS[name].schema])) as { [K in ItemFieldName]: (typeof ITEM_FIELDS)[K]['schema'] })
  .openapi('Item', { description: '`item_json()`: one item as the legacy API shows it' })
