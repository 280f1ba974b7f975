import type { Db, Document, ObjectId } from 'mongodb'

/** Fields of a movement the API shows (`movimentacao_json` in the legacy util.py). */
export const MOVEMENT_PROJECTION = {
  item_id: 1,
  tipo: 1,
  quantidade: 1,
  data: 1,
  usuario: 1,
  observacao: 1,
  estoque_anterior: 1,
  estoque_posterior: 1,
} as const

export type ItemLabel = Document | undefined

/** One movement as the legacy API shows it; `item` is its looked-up item (undefined when it no longer exists). */
export function movementJson(mov: Document, item: ItemLabel): Record<string, unknown> {
  return {
    _id: String(mov._id),
    item_id: String(mov.item_id),
    item_codigo: item ? (item.codigo ?? null) : null,
    item_nome: item ? (item.nome ?? null) : null,
    tipo: mov.tipo,
    quantidade: mov.quantidade,
    data: mov.data,
    usuario: mov.usuario ?? null,
    observacao: 'observacao' in mov ? mov.observacao : '',
    estoque_anterior: mov.estoque_anterior ?? null,
    estoque_posterior: mov.estoque_posterior ?? null,
  }
}

/** A page of movements with their items' codigo/nome, looked up in one query (inactive items included). */
export async function movementsJson(db: Db, movs: Document[]): Promise<Record<string, unknown>[]> {
  const ids = new Map<string, ObjectId>()
  for (const mov of movs) ids.set(String(mov.item_id), mov.item_id as ObjectId)
  const items = new Map<string, ItemLabel>()
  if (ids.size > 0) {
    const found = db.collection('itens').find({ _id: { $in: [...ids.values()] } }, { projection: { codigo: 1, nome: 1 } })
    for await (const item of found) items.set(String(item._id), item)
  }
  return movs.map((mov) => movementJson(mov, items.get(String(mov.item_id))))
}
