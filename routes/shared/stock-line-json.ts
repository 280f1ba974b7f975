import type { Document } from 'mongodb'
import { keyError } from '../../compat/python/errors.js'
import { pyStr } from '../../compat/python/number.js'

/** `doc[key]` in Python: KeyError when the field is absent (a stored null is a value). */
export function field(doc: Document, key: string): unknown {
  if (!Object.hasOwn(doc, key)) throw keyError(key)
  return doc[key]
}

/** `doc.get(key)` in Python: None when the field is absent. */
export const get = (doc: Document, key: string): unknown => (Object.hasOwn(doc, key) ? doc[key] : null)

/**
 * The item fields the legacy app lists wherever it shows stock against the minimum (the dashboard's
 * below-minimum list, the hierarchy's leaves); keys in sorted order, as jsonify writes them.
 * Values stay as read (`promoteValues: false`), so the JSON encoder writes a double as a float and an int
 * as an int; a missing field raises KeyError as `item["codigo"]` does.
 */
export function stockLineJson(item: Document): Record<string, unknown> {
  return {
    _id: pyStr(field(item, '_id')),
    codigo: field(item, 'codigo'),
    nome: field(item, 'nome'),
    unidade: get(item, 'unidade'),
    quantidade: field(item, 'quantidade'),
    estoque_minimo: field(item, 'estoque_minimo'),
  }
}
