import type { Document } from 'mongodb'

/**
 * The item fields the legacy app lists wherever it shows stock against the minimum (the dashboard's
 * below-minimum list, the hierarchy's leaves), in its key order: routes extend it, never reorder it.
 */
export function stockLineJson(item: Document): Record<string, unknown> {
  return {
    _id: String(item._id),
    codigo: item.codigo,
    nome: item.nome,
    unidade: item.unidade ?? null,
    quantidade: item.quantidade,
    estoque_minimo: item.estoque_minimo,
  }
}
