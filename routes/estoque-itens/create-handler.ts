import { Double, MongoServerError, ObjectId, type Db } from 'mongodb'
import { jsonErrorResponse, jsonResponse } from '../../core/legacy-json.js'
import type { RouteContext } from '../../core/route.js'
import { itemJson } from '../shared/item-json.js'
import { legacyJsonBody } from '../shared/legacy-json-body.js'
import { checkNewItem, type NewItem } from './item-input.js'
import { wouldWrite } from '../shared/shadow-write.js'
import { itemsCollection } from '../shared/collections.js'

const DUPLICATE_KEY = 11000

/**
 * POST /api/estoque/itens: the legacy view `api_estoque.criar_item`. The legacy's "does the codigo exist?"
 * read is kept for its answer, but the unique index on `codigo` (ensureItemIndexes) decides: two
 * concurrent creates of one codigo give one 201 and one 409, never two items (docs/compatibility.md).
 */
export async function handleEstoqueItensCreate(ctx: RouteContext): Promise<Response> {
  const body = await legacyJsonBody(ctx)
  if ('response' in body) return body.response
  const checked = checkNewItem(body.value)
  if (!checked.ok) return jsonErrorResponse(checked.erro)
  const item = checked.value

  const itens = itemsCollection(ctx.db)
  // Shadow run: validated, nothing written (the legacy app has answered the client).
  if (ctx.shadow) return (await itens.findOne({ codigo: item.codigo }, { projection: { _id: 1 } })) ? jsonErrorResponse('Código já existe', 409) : wouldWrite(201)
  const created = await insertNewItem(ctx.db, item)
  return created ? jsonResponse(created, 201) : jsonErrorResponse('Código já existe', 409)
}

/** The legacy's read of the codigo, then the insert; the new item's JSON, or null when the codigo is taken. */
export async function insertNewItem(db: Db, item: NewItem): Promise<Record<string, unknown> | null> {
  const itens = itemsCollection(db)
  if (await itens.findOne({ codigo: item.codigo }, { projection: { _id: 1 } })) return null
  const momento = new Date()
  const doc = {
    _id: new ObjectId(),
    ...item,
    // Python floats: BSON doubles, whole or not.
    quantidade: new Double(item.quantidade),
    estoque_minimo: new Double(item.estoque_minimo),
    ativo: true,
    criado_em: momento,
    atualizado_em: momento,
  }
  try {
    await itens.insertOne(doc)
  } catch (error) {
    if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return null
    throw error
  }
  return itemJson({ ...doc, quantidade: item.quantidade, estoque_minimo: item.estoque_minimo })
}
